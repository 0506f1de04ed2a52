/**
 * Models: {@link org.sparkeras.models.Model} (compile, fit, evaluate, predict, summary, weights; the
 * base of subclassed models, and {@code Model.of} for functional ones),
 * {@link org.sparkeras.models.Sequential} (a stack of layers) and
 * {@link org.sparkeras.models.Functional} (a graph of layers applied to symbolic tensors, several
 * inputs and outputs, shared layers, nested models).
 */
package org.sparkeras.models;
