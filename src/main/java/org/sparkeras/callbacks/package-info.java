/**
 * Hooks into the fit/evaluate/predict loops, as Keras's {@code keras.callbacks}:
 * {@link org.sparkeras.callbacks.Callback} (the hook points), {@link org.sparkeras.callbacks.History}
 * (the per-epoch logs that {@code fit} returns) and {@link org.sparkeras.callbacks.ProgbarLogger}
 * (the progress bar of verbose 1 and the epoch lines of verbose 2).
 */
package org.sparkeras.callbacks;
