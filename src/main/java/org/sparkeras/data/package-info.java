/**
 * Data that fits in memory and the readers that load it: in-memory datasets that yield batches
 * ({@link org.sparkeras.data.Dataset}, {@link org.sparkeras.data.ArrayDataset}, {@link
 * org.sparkeras.data.Batch}), the IDX reader ({@link org.sparkeras.data.Idx}), the MNIST data set
 * read from its original gzip-compressed IDX files ({@link org.sparkeras.data.Mnist}) and
 * train/validation splits of sample-aligned arrays ({@link org.sparkeras.data.Split}). Every array
 * has the samples along its first dimension.
 *
 * <p>The California housing reader comes later, with the Functional API work that uses it.
 */
package org.sparkeras.data;
