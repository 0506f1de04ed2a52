/**
 * Layers, with the lifecycle of Keras's {@code Layer}: constructed with their arguments, built on
 * the first input shape ({@code build} creates the weights), then called on tensors. The shapes a
 * layer sees exclude the batch dimension. {@link org.sparkeras.layers.Input} and
 * {@link org.sparkeras.layers.KerasTensor} are the symbolic side used to declare a model's inputs.
 *
 * <p>Core layers: {@link org.sparkeras.layers.Dense}, {@link org.sparkeras.layers.Activation},
 * {@link org.sparkeras.layers.Dropout}, {@link org.sparkeras.layers.Flatten},
 * {@link org.sparkeras.layers.Reshape}. Normalization: {@link org.sparkeras.layers.Normalization}
 * (fixed or adapted per-feature mean and variance, a preprocessing step) and
 * {@link org.sparkeras.layers.BatchNormalization} (batch statistics in training, moving averages at
 * inference). Merging layers take a list of inputs and extend {@link org.sparkeras.layers.Merge}:
 * {@link org.sparkeras.layers.Concatenate}, {@link org.sparkeras.layers.Add},
 * {@link org.sparkeras.layers.Subtract}, {@link org.sparkeras.layers.Multiply},
 * {@link org.sparkeras.layers.Average}, {@link org.sparkeras.layers.Maximum},
 * {@link org.sparkeras.layers.Minimum} and {@link org.sparkeras.layers.Dot}.
 */
package org.sparkeras.layers;
