/**
 * Reverse-mode automatic differentiation over ND4J arrays. A {@link org.sparkeras.autodiff.Tape}
 * records the {@link org.sparkeras.autodiff.Op}s of a forward pass; each op computes its forward
 * value when it is created and holds its own backward. {@link org.sparkeras.autodiff.Ops} is the
 * catalogue of ops; {@link org.sparkeras.autodiff.Variable} is a named, mutable weight and
 * {@link org.sparkeras.autodiff.ParameterStore} packs a model's weights and gradients into one flat
 * vector each, so an optimizer update (and, on Spark, a broadcast) touches one array.
 *
 * <p>Ops work in FLOAT for training and in DOUBLE for exact gradient checks.
 */
package org.sparkeras.autodiff;
