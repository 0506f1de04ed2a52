/**
 * Weight initializers by Keras name: glorot_uniform (the default of Dense), glorot_normal,
 * he_uniform, he_normal, lecun_normal, zeros, ones, random_normal, random_uniform. Values are drawn
 * in Java from a seeded generator, so a seeded initializer gives the same values on every machine.
 */
package org.sparkeras.initializers;
