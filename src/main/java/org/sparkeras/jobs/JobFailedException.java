package org.sparkeras.jobs;

/**
 * A job that could not finish, with the exit code it ends with (see {@link JobRunner}): a failed
 * Spark job or a Spark context that cannot start ({@link JobRunner#INFRASTRUCTURE}), a worker's
 * non-finite result under {@code on_non_finite: fail} ({@link JobRunner#DIVERGED}).
 */
public final class JobFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public JobFailedException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
