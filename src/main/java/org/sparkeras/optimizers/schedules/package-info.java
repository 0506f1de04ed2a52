/**
 * Learning-rate schedules, as Keras's {@code keras.optimizers.schedules}: a
 * {@link org.sparkeras.optimizers.schedules.LearningRateSchedule} maps the optimizer's iteration
 * count to a learning rate, and an optimizer given one through
 * {@link org.sparkeras.optimizers.Optimizer#learningRate(LearningRateSchedule)} evaluates it
 * before every update. Built in: {@link org.sparkeras.optimizers.schedules.ExponentialDecay},
 * {@link org.sparkeras.optimizers.schedules.PiecewiseConstantDecay} and
 * {@link org.sparkeras.optimizers.schedules.CosineDecay} (with linear warmup).
 */
package org.sparkeras.optimizers.schedules;
