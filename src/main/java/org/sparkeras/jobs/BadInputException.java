package org.sparkeras.jobs;

/** Bad input or configuration: the job exits with code 2 and this message. */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}
