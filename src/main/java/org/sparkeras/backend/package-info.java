/**
 * The numeric engine under the autodiff tape: process set-up of ND4J and OpenBLAS ({@link
 * org.sparkeras.backend.Engine}), direct BLAS calls on {@code INDArray} memory ({@link
 * org.sparkeras.backend.Blas}), copies between native arrays and Java arrays ({@link
 * org.sparkeras.backend.Host}) and the per-step array pool ({@link org.sparkeras.backend.ArrayPool}).
 *
 * <p>Why this exists: each ND4J op costs 10-20 µs of overhead, and the OpenBLAS that ND4J 1.0.0-M2.1
 * bundles (0.3.19) does not recognise recent x86 cores and falls back to its slowest (Prescott)
 * kernels. Calling BLAS directly, pooling buffers and choosing the kernel family explicitly is what
 * makes training fast.
 */
package org.sparkeras.backend;
