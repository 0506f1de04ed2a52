/**
 * Models: {@link org.sparkeras.models.Model} (compile, fit, evaluate, predict, summary, weights; the
 * base of subclassed models) and {@link org.sparkeras.models.Sequential} (a stack of layers).
 */
package org.sparkeras.models;
