/**
 * Metrics by Keras name: accuracies (sparse categorical, categorical, binary, top-k), precision,
 * recall, AUC, mean squared / absolute error, root mean squared error, and {@link
 * org.sparkeras.metrics.Mean} for tracking the loss. A metric streams: it accumulates weighted sums
 * in double precision batch by batch and reports their ratio; {@link org.sparkeras.metrics.Metrics}
 * resolves the names used in {@code compile}, including "accuracy" chosen from the loss.
 */
package org.sparkeras.metrics;
