package org.sparkeras.spark;

/** A distributed fit that cannot go on: a worker's non-finite result, a failed Spark job. */
public final class SparkTrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SparkTrainingException(String message) {
        super(message);
    }

    public SparkTrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
