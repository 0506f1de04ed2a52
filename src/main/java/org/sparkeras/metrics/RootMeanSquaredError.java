package org.sparkeras.metrics;

/**
 * The square root of the weighted mean squared error, as Keras's {@code RootMeanSquaredError}:
 * {@code sqrt(sum(w_i * mean((y_true_i - y_pred_i)^2)) / sum(w_i))}. The root is taken of the
 * accumulated mean, not averaged per batch.
 *
 * <p>Arguments: {@code name} ("root_mean_squared_error"). Shapes: targets and predictions
 * {@code (batch, ..., units)}.
 */
public class RootMeanSquaredError extends MeanSquaredError {
    public RootMeanSquaredError() {
        this("root_mean_squared_error");
    }

    public RootMeanSquaredError(String name) {
        super(name);
    }

    @Override
    public double result() {
        return Math.sqrt(super.result());
    }
}
