package org.sparkeras.metrics;

/**
 * How often the predicted class equals the class of the one-hot target, as Keras's
 * {@code CategoricalAccuracy}: the weighted mean of {@code argmax(y_pred) == argmax(y_true)} (arg
 * max over the last axis, the first on ties).
 *
 * <p>Arguments: {@code name} ("categorical_accuracy"). Shapes: targets and predictions
 * {@code (batch, ..., classes)}.
 */
public class CategoricalAccuracy extends MeanMetricWrapper {
    public CategoricalAccuracy() {
        this("categorical_accuracy");
    }

    public CategoricalAccuracy(String name) {
        super(name);
    }

    @Override
    protected double value(double[] yTrue, int trueOffset, double[] yPred, int predOffset, int cols) {
        return argmax(yPred, predOffset, cols) == argmax(yTrue, trueOffset, cols) ? 1 : 0;
    }
}
