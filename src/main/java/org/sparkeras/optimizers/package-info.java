/**
 * Optimizers by Keras name: sgd (momentum, nesterov), adam, rmsprop, adagrad, adamax, nadam, each
 * with Keras's defaults, clipnorm, clipvalue and global_clipnorm. An optimizer updates a model's
 * flat {@link org.sparkeras.autodiff.ParameterStore}: plain SGD is one BLAS axpy per trainable run;
 * the others run one Java loop over a host copy, which is several times faster than the equivalent
 * chain of ND4J ops (each op costs 10-20 µs and the vectors hold hundreds of thousands of values).
 */
package org.sparkeras.optimizers;
