package org.sparkeras.metrics;

/**
 * The weighted mean over samples of {@code mean((y_true - y_pred)^2, axis=-1)}, as Keras's metric
 * {@code MeanSquaredError} (the loss of the same name lives in {@code org.sparkeras.losses}).
 *
 * <p>Arguments: {@code name} ("mean_squared_error"). Shapes: targets and predictions
 * {@code (batch, ..., units)}.
 */
public class MeanSquaredError extends MeanMetricWrapper {
    public MeanSquaredError() {
        this("mean_squared_error");
    }

    public MeanSquaredError(String name) {
        super(name);
    }

    @Override
    protected double value(double[] yTrue, int trueOffset, double[] yPred, int predOffset, int cols) {
        double s = 0;
        for (int c = 0; c < cols; c++) {
            double e = yPred[predOffset + c] - yTrue[trueOffset + c];
            s += e * e;
        }
        return s / cols;
    }
}
