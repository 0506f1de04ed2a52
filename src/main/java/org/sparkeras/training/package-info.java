/**
 * The training loop: the {@link org.sparkeras.training.Trainer} contract behind {@code fit},
 * {@code evaluate} and {@code predict}; {@link org.sparkeras.training.LocalTrainer}, which runs it in
 * one JVM; the option values {@link org.sparkeras.training.Compile} and
 * {@link org.sparkeras.training.Fit}; and {@link org.sparkeras.training.LearningCurves}, the PNG of a
 * History.
 */
package org.sparkeras.training;
