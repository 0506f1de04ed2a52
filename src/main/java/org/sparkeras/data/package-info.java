/**
 * Data that fits in memory and the readers that load it: in-memory datasets that yield batches
 * ({@link org.sparkeras.data.Dataset}, {@link org.sparkeras.data.ArrayDataset}, {@link
 * org.sparkeras.data.Batch}), the IDX reader ({@link org.sparkeras.data.Idx}), the MNIST data set
 * read from its original gzip-compressed IDX files ({@link org.sparkeras.data.Mnist}),
 * train/validation splits of sample-aligned arrays ({@link org.sparkeras.data.Split}), the
 * California housing regression data read from the StatLib file with scikit-learn's derived
 * features and the book's train/validation/test split ({@link org.sparkeras.data.CaliforniaHousing})
 * and per-column standardization fitted on training data ({@link
 * org.sparkeras.data.StandardScaler}). Every array has the samples along its first dimension.
 */
package org.sparkeras.data;
