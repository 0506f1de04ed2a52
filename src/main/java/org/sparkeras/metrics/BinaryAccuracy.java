package org.sparkeras.metrics;

import java.util.Map;

/**
 * How often thresholded predictions equal the 0/1 targets, as Keras's {@code BinaryAccuracy}: per
 * sample {@code mean(y_true == (y_pred > threshold), axis=-1)}, then the weighted mean over samples.
 *
 * <p>Arguments: {@code name} ("binary_accuracy"), {@code threshold} (0.5). Shapes: targets and
 * predictions {@code (batch, ..., units)}; targets {@code (batch,)} for predictions
 * {@code (batch, 1)}.
 */
public class BinaryAccuracy extends MeanMetricWrapper {
    private double threshold = 0.5;

    public BinaryAccuracy() {
        this("binary_accuracy");
    }

    public BinaryAccuracy(String name) {
        super(name);
    }

    /** The value above which a prediction counts as 1. */
    public BinaryAccuracy threshold(double threshold) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("Metric \"" + name() + "\": threshold must be in (0, 1), received "
                    + threshold);
        }
        this.threshold = threshold;
        return this;
    }

    public double threshold() {
        return threshold;
    }

    @Override
    protected double value(double[] yTrue, int trueOffset, double[] yPred, int predOffset, int cols) {
        int hits = 0;
        for (int c = 0; c < cols; c++) {
            double predicted = yPred[predOffset + c] > threshold ? 1 : 0;
            if (yTrue[trueOffset + c] == predicted) {
                hits++;
            }
        }
        return (double) hits / cols;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("threshold", threshold);
        return c;
    }
}
