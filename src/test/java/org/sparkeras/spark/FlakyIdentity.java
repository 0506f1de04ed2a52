package org.sparkeras.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.saving.Registry;

/**
 * A test layer that passes its input through, except that it throws in Spark tasks of partition
 * {@link #PARTITION} while armed: {@link #ONCE} failures on attempt 0 only, or on every attempt
 * while {@link #ALWAYS} is set. Registered so model archives (and so replicas) can hold it.
 */
public class FlakyIdentity extends Layer {
    static final AtomicInteger ONCE = new AtomicInteger();
    static volatile boolean always;
    static final int PARTITION = 1;

    static {
        register();
    }

    static void register() {
        Registry.register(Registry.Kind.LAYER, "FlakyIdentity", c -> new FlakyIdentity());
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        TaskContext tc = TaskContext.get();
        if (training && tc != null && tc.partitionId() == PARTITION) {
            if (always) {
                throw new IllegalStateException("injected failure (every attempt) in partition " + PARTITION);
            }
            if (tc.attemptNumber() == 0 && ONCE.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
                throw new IllegalStateException("injected failure (attempt 0) in partition " + PARTITION);
            }
        }
        return inputs;
    }

    @Override
    protected void checkInput(int index, long[] perSample) {
        // Any shape.
    }
}
