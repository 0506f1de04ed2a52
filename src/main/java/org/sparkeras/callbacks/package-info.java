/**
 * Hooks into the fit/evaluate/predict loops, as Keras's {@code keras.callbacks}:
 * {@link org.sparkeras.callbacks.Callback} (the hook points), {@link org.sparkeras.callbacks.History}
 * (the per-epoch logs that {@code fit} returns), {@link org.sparkeras.callbacks.ProgbarLogger} (the
 * progress bar of verbose 1 and the epoch lines of verbose 2), and the Keras callbacks
 * {@link org.sparkeras.callbacks.EarlyStopping}, {@link org.sparkeras.callbacks.ModelCheckpoint},
 * {@link org.sparkeras.callbacks.BackupAndRestore}, {@link org.sparkeras.callbacks.CSVLogger},
 * {@link org.sparkeras.callbacks.LambdaCallback}, {@link org.sparkeras.callbacks.TerminateOnNaN},
 * {@link org.sparkeras.callbacks.LearningRateScheduler}, {@link org.sparkeras.callbacks.ReduceLROnPlateau}
 * and {@link org.sparkeras.callbacks.TensorBoard} (event files, see the {@code tensorboard} package).
 */
package org.sparkeras.callbacks;
