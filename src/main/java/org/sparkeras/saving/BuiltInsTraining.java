package org.sparkeras.saving;

/**
 * The built-in losses, metrics and optimizers of the {@link Registry}, with Keras names and
 * aliases. Uses the helpers of {@link BuiltIns} for reading configuration values.
 */
final class BuiltInsTraining {
    private BuiltInsTraining() {}

    static void registerAll() {
        losses();
        metrics();
        optimizers();
    }

    private static void losses() {
    }

    private static void metrics() {
    }

    private static void optimizers() {
    }
}
