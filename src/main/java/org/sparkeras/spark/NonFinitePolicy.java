package org.sparkeras.spark;

/** What a distributed fit does when a worker's loss or parameters are NaN or infinite. */
public enum NonFinitePolicy {
    /**
     * The default, as a local fit's TerminateOnNaN: the round is not applied, the model keeps the
     * finite parameters of the round's start, the History is marked, training stops; the log names
     * the partition, round and epoch.
     */
    STOP,
    /** Throws a {@link SparkTrainingException} naming the partition, round and epoch. */
    FAIL,
    /** Leaves that worker out of the round's average, logs it, and goes on. */
    DROP
}
