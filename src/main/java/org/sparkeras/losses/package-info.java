/**
 * Losses by Keras name: sparse_categorical_crossentropy, categorical_crossentropy,
 * binary_crossentropy (each with from_logits), mean_squared_error (mse), mean_absolute_error (mae),
 * huber. A loss computes per-sample values and their gradient in double precision on a host copy of
 * the (small) predictions; cross-entropy after a softmax or sigmoid output differentiates with
 * respect to the logits directly, as Keras does.
 */
package org.sparkeras.losses;
