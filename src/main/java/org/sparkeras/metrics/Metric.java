package org.sparkeras.metrics;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A streaming metric, as Keras's {@code keras.metrics.Metric}: {@link #updateState} accumulates a
 * batch (in double precision, on host copies of the values), {@link #result()} gives the value so
 * far, {@link #resetState()} starts over. The fit loop resets metrics at each epoch.
 */
public abstract class Metric {
    private final String name;

    protected Metric(String name) {
        this.name = name;
    }

    /** The key of this metric in logs and History ("accuracy", "auc"). */
    public String name() {
        return name;
    }

    /** Accumulates one batch; {@code sampleWeight} (one weight per sample) may be null. */
    public abstract void updateState(INDArray yTrue, INDArray yPred, INDArray sampleWeight);

    /** The metric over everything accumulated since the last reset. */
    public abstract double result();

    /** Forgets everything accumulated. */
    public abstract void resetState();

    /** The constructor arguments by Keras name. */
    public abstract Map<String, Object> getConfig();

    @Override
    public String toString() {
        return name + getConfig();
    }
}
