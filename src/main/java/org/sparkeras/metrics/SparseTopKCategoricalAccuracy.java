package org.sparkeras.metrics;

import java.util.Map;

/**
 * How often the integer label is among the {@code k} highest predictions, as Keras's
 * {@code SparseTopKCategoricalAccuracy}: the weighted mean of {@code in_top_k(y_true, y_pred, k)}.
 * Predictions tied with the k-th highest count as inside the top k; a label outside
 * {@code [0, classes)} never matches.
 *
 * <p>Arguments: {@code name} ("sparse_top_k_categorical_accuracy"), {@code k} (5). Shapes:
 * predictions {@code (batch, ..., classes)}, labels {@code (batch, ...)} or {@code (batch, ..., 1)}.
 */
public class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
    private int k = 5;

    public SparseTopKCategoricalAccuracy() {
        this("sparse_top_k_categorical_accuracy");
    }

    public SparseTopKCategoricalAccuracy(String name) {
        super(name);
    }

    /** The number of highest predictions the label must be among. */
    public SparseTopKCategoricalAccuracy k(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("Metric \"" + name() + "\": k must be at least 1, received " + k);
        }
        this.k = k;
        return this;
    }

    public int k() {
        return k;
    }

    @Override
    protected int targetColumns(int cols) {
        return 1;
    }

    @Override
    protected double value(double[] yTrue, int trueOffset, double[] yPred, int predOffset, int cols) {
        double label = yTrue[trueOffset];
        if (!(label >= 0 && label < cols) || label != Math.rint(label)) {
            return 0;
        }
        return inTopK(yPred, predOffset, cols, (int) label, k) ? 1 : 0;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("k", k);
        return c;
    }
}
