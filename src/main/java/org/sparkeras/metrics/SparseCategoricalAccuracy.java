package org.sparkeras.metrics;

/**
 * How often the predicted class (the arg max of the last axis, the first on ties) equals the
 * integer label, as Keras's {@code SparseCategoricalAccuracy}: the weighted mean of
 * {@code argmax(y_pred) == y_true}.
 *
 * <p>Arguments: {@code name} ("sparse_categorical_accuracy"). Shapes: predictions
 * {@code (batch, ..., classes)}, labels {@code (batch, ...)} or {@code (batch, ..., 1)}.
 */
public class SparseCategoricalAccuracy extends MeanMetricWrapper {
    public SparseCategoricalAccuracy() {
        this("sparse_categorical_accuracy");
    }

    public SparseCategoricalAccuracy(String name) {
        super(name);
    }

    @Override
    protected int targetColumns(int cols) {
        return 1;
    }

    @Override
    protected double value(double[] yTrue, int trueOffset, double[] yPred, int predOffset, int cols) {
        return argmax(yPred, predOffset, cols) == yTrue[trueOffset] ? 1 : 0;
    }
}
