package org.sparkeras.spark;

/**
 * The seeds of a distributed fit, all derived from the fit's seed and the position in it, never
 * from executor state: a retried task or a replacement executor draws the same batches and masks.
 */
final class Seeding {
    private Seeding() {}

    /** SplitMix64's finalizer over a combination of the two values. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The seed of partition {@code p}'s batch orders: partition 0 keeps the fit's seed, so a
     * one-partition fit draws the batches of a local fit with the same seed.
     */
    static long partitionSeed(long seed, int p) {
        return p == 0 ? seed : mix(seed, p);
    }

    /** The seed of dropout masks in (epoch, round, partition). */
    static long roundSeed(long seed, int epoch, int round, int partition) {
        return mix(mix(mix(seed, epoch), round), partition);
    }
}
