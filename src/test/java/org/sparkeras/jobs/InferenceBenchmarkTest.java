package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The inference part of jobs/benchmark.sh, run for a fraction of a second per measurement. */
class InferenceBenchmarkTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = InferenceBenchmark.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void printsOneLinePerBatchSizeAfterCheckingBothEnginesAgree() {
        String[] r = run("--batches", "1,32", "--seconds", "0.05", "--warmup-seconds", "0.05", "--repeat", "1");
        assertEquals("0", r[0], r[2]);
        Matcher check = Pattern.compile("check: 256 images, max \\|predict - onnxruntime\\| = (\\S+)").matcher(r[1]);
        assertTrue(check.find(), r[1]);
        assertTrue(Double.parseDouble(check.group(1)) <= InferenceBenchmark.TOLERANCE, r[1]);
        for (int batch : new int[] {1, 32}) {
            Matcher m = Pattern.compile("(?m)^batch=" + batch + " predict_samples_per_s=(\\d+) onnxruntime_samples_per_s=(\\d+) "
                    + "onnxruntime_default_threads_samples_per_s=(\\d+) predict_vs_onnxruntime=(\\S+)$").matcher(r[1]);
            assertTrue(m.find(), r[1]);
            for (int g = 1; g <= 3; g++) {
                assertTrue(Long.parseLong(m.group(g)) > 0, m.group());
            }
            assertEquals(Double.parseDouble(m.group(1)) / Double.parseDouble(m.group(2)), Double.parseDouble(m.group(4)),
                    0.01 + 0.01 * Double.parseDouble(m.group(4)), m.group());
        }
    }

    @Test
    void rejectsBadOptions() {
        String[] r = run("--batches", "0");
        assertEquals("2", r[0]);
        assertEquals("error: --batches must be positive integers, received [0]\n", r[2]);
    }
}
