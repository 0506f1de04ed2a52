package org.sparkeras.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Runs a job command and maps failures to the exit codes the job scripts promise: 0 done, 2 bad
 * input or config, 3 infrastructure failure (I/O, a failed Spark job), 4 divergence (returned by the
 * job itself, or a {@link JobFailedException} carrying it).
 */
public final class JobRunner {
    public static final int OK = 0, BAD_INPUT = 2, INFRASTRUCTURE = 3, DIVERGED = 4;

    private JobRunner() {}

    /** Executes {@code command} (a picocli command) on {@code args} and returns the exit code. */
    public static int run(Object command, String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof JobFailedException f) {
                err.println("error: " + f.getMessage());
                return f.exitCode();
            }
            if (e instanceof BadInputException || e instanceof IllegalArgumentException) {
                err.println("error: " + e.getMessage());
                return BAD_INPUT;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException) {
                err.println("error: " + e.getMessage());
                return INFRASTRUCTURE;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
