package org.sparkeras.metrics;

import java.util.Map;

/**
 * How often the class of the one-hot target is among the {@code k} highest predictions, as Keras's
 * {@code TopKCategoricalAccuracy}: the weighted mean of {@code in_top_k(argmax(y_true), y_pred, k)}.
 * Predictions tied with the k-th highest count as inside the top k.
 *
 * <p>Arguments: {@code name} ("top_k_categorical_accuracy"), {@code k} (5). Shapes: targets and
 * predictions {@code (batch, ..., classes)}.
 */
public class TopKCategoricalAccuracy extends MeanMetricWrapper {
    private int k = 5;

    public TopKCategoricalAccuracy() {
        this("top_k_categorical_accuracy");
    }

    public TopKCategoricalAccuracy(String name) {
        super(name);
    }

    /** The number of highest predictions the target class must be among. */
    public TopKCategoricalAccuracy k(int k) {
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
    protected double value(double[] yTrue, int trueOffset, double[] yPred, int predOffset, int cols) {
        return inTopK(yPred, predOffset, cols, argmax(yTrue, trueOffset, cols), k) ? 1 : 0;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("k", k);
        return c;
    }
}
