package org.sparkeras.metrics;

/**
 * The weighted mean over samples of {@code mean(|y_true - y_pred|, axis=-1)}, as Keras's metric
 * {@code MeanAbsoluteError} (the loss of the same name lives in {@code org.sparkeras.losses}).
 *
 * <p>Arguments: {@code name} ("mean_absolute_error"). Shapes: targets and predictions
 * {@code (batch, ..., units)}.
 */
public class MeanAbsoluteError extends MeanMetricWrapper {
    public MeanAbsoluteError() {
        this("mean_absolute_error");
    }

    public MeanAbsoluteError(String name) {
        super(name);
    }

    @Override
    protected double value(double[] yTrue, int trueOffset, double[] yPred, int predOffset, int cols) {
        double s = 0;
        for (int c = 0; c < cols; c++) {
            s += Math.abs(yPred[predOffset + c] - yTrue[trueOffset + c]);
        }
        return s / cols;
    }
}
