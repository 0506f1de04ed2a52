/**
 * Layers, with the lifecycle of Keras's {@code Layer}: constructed with their arguments, built on
 * the first input shape ({@code build} creates the weights), then called on tensors. The shapes a
 * layer sees exclude the batch dimension. {@link org.sparkeras.layers.Input} and
 * {@link org.sparkeras.layers.KerasTensor} are the symbolic side used to declare a model's inputs.
 */
package org.sparkeras.layers;
