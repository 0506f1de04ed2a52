package org.sparkeras.metrics;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;

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

    /**
     * The accumulated state as numbers that add up: the state after two disjoint sets of batches is
     * the element-wise sum of their two vectors. A distributed trainer sums the vectors of its
     * workers and {@link #mergeState merges} them into the driver's metric.
     */
    public abstract double[] stateVector();

    /**
     * Adds a {@link #stateVector()} of a metric of the same type and configuration to this one's
     * state, as if this metric had also seen those batches.
     */
    public abstract void mergeState(double[] state);

    /** Checks the length of a state vector given to {@link #mergeState}. */
    protected final void checkStateLength(double[] state, int expected) {
        if (state == null || state.length != expected) {
            throw new IllegalArgumentException("Metric \"" + name + "\": a merged state needs " + expected
                    + " values, received " + (state == null ? "null" : String.valueOf(state.length)));
        }
    }

    /** The constructor arguments by Keras name. */
    public abstract Map<String, Object> getConfig();

    @Override
    public String toString() {
        return name + getConfig();
    }

    /** The number of samples (the first dimension) of a batch. */
    protected static int samples(long[] shape) {
        return shape.length == 0 ? 1 : (int) shape[0];
    }

    /** The number of rows of last-axis values: every dimension but the last; a vector is rows of one. */
    protected static int rows(long[] shape) {
        if (shape.length <= 1) {
            return shape.length == 0 ? 1 : (int) shape[0];
        }
        long r = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            r *= shape[i];
        }
        return (int) r;
    }

    /** The size of the last axis; 1 for a vector. */
    protected static int cols(long[] shape) {
        return shape.length <= 1 ? 1 : (int) shape[shape.length - 1];
    }

    /** A shape as Keras prints it: "(32, 10)", "(32,)". */
    protected static String shapeString(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * Checks that the targets hold {@code perRow} values for each prediction row and have the batch
     * size of the predictions; the message names the metric and both shapes.
     */
    protected void checkTargets(INDArray yTrue, INDArray yPred, int perRow) {
        long[] t = yTrue.shape();
        long[] p = yPred.shape();
        if (yTrue.length() != (long) rows(p) * perRow || (t.length > 0 && p.length > 0 && t[0] != p[0])) {
            throw new IllegalArgumentException("Metric \"" + name + "\": targets of shape " + shapeString(t)
                    + " do not match predictions of shape " + shapeString(p));
        }
    }

    /** Host copy of the sample weights, or null; checks that there is one weight per sample. */
    protected double[] sampleWeights(INDArray sampleWeight, int samples) {
        if (sampleWeight == null) {
            return null;
        }
        if (sampleWeight.length() != samples) {
            throw new IllegalArgumentException("Metric \"" + name + "\": sample weights of shape "
                    + shapeString(sampleWeight.shape()) + " do not match " + samples
                    + " samples; expected one weight per sample, shape (" + samples + ",)");
        }
        return Host.toDoubles(sampleWeight);
    }
}
