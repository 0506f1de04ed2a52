package org.sparkeras.callbacks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.training.Compile;

/** A one-Dense-layer regression model on six literal samples, and helpers for scripted hook calls. */
final class CallbackFixture {
    static final INDArray X = Nd4j.createFromArray(new float[][] {
        {0.5f, -1f}, {1f, 2f}, {-0.5f, 0.25f}, {2f, 1f}, {0f, -2f}, {1.5f, 0.5f}});
    static final INDArray Y = Nd4j.createFromArray(new float[][] {{1f}, {-2f}, {0.5f}, {3f}, {-1f}, {2f}});

    private CallbackFixture() {}

    /** Dense(1) on 2 inputs, MSE, the given optimizer. */
    static Sequential model(Optimizer optimizer) {
        Seeds.setRandomSeed(3);
        Sequential m = new Sequential(new Dense(1).inputShape(2));
        m.compile(Compile.optimizer(optimizer).loss("mse"));
        return m;
    }

    /** Kernel [[k0], [k1]] and bias [b], as float32. */
    static List<INDArray> weights(float k0, float k1, float b) {
        return List.of(Nd4j.createFromArray(new float[][] {{k0}, {k1}}), Nd4j.createFromArray(b));
    }

    /** A mutable log map from alternating keys and values. */
    static Map<String, Double> logs(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    /** What {@code r} writes to System.err (where slf4j-simple logs) while it runs. */
    static String stderrOf(Runnable r) {
        return capture(r, true);
    }

    /** What {@code r} writes to System.out while it runs. */
    static String stdoutOf(Runnable r) {
        return capture(r, false);
    }

    private static String capture(Runnable r, boolean err) {
        PrintStream old = err ? System.err : System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        if (err) {
            System.setErr(ps);
        } else {
            System.setOut(ps);
        }
        try {
            r.run();
        } finally {
            if (err) {
                System.setErr(old);
            } else {
                System.setOut(old);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
