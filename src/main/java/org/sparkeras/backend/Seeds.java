package org.sparkeras.backend;

import java.util.SplittableRandom;

/**
 * The process-wide source of seeds for initializers, dropout and shuffling that were not given a
 * seed of their own (Keras's {@code keras.utils.set_random_seed}). Seed it once for reproducible
 * runs.
 */
public final class Seeds {
    private static SplittableRandom root = new SplittableRandom();

    private Seeds() {}

    /** Makes every later unseeded draw reproducible. */
    public static synchronized void setRandomSeed(long seed) {
        root = new SplittableRandom(seed);
    }

    /** The next seed for an object that was created without one. */
    public static synchronized long next() {
        return root.nextLong();
    }
}
