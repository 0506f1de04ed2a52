/**
 * Activation functions by Keras name: relu, sigmoid, tanh, softmax, linear, elu, selu, gelu,
 * leaky_relu, softplus. {@link org.sparkeras.activations.ActivationFunction#get(String)} resolves a name
 * through the registry; parameterised ones have factories ({@code ActivationFunction.elu(0.5)}).
 */
package org.sparkeras.activations;
