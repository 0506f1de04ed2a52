package org.sparkeras.losses;

import java.util.Map;

/**
 * Mean of the squared errors over the last axis, as Keras's {@code MeanSquaredError}:
 * {@code loss = mean((y_true - y_pred)^2, axis=-1)}.
 *
 * <p>No arguments. Shapes: targets and predictions {@code (batch, ..., units)}; targets of shape
 * {@code (batch,)} are accepted for predictions of shape {@code (batch, 1)}.
 *
 * <pre>{@code
 * model.compile("sgd", "mse");
 * }</pre>
 */
public class MeanSquaredError extends Loss {
    @Override
    public String name() {
        return "mean_squared_error";
    }

    @Override
    protected void compute(double[] yTrue, double[] yPred, int rows, int cols, double[] losses, double[] grad,
            boolean logits) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double loss = 0;
            for (int c = 0; c < cols; c++) {
                double e = yPred[o + c] - yTrue[o + c];
                loss += e * e;
                if (grad != null) {
                    grad[o + c] = 2 * e / cols;
                }
            }
            losses[r] = loss / cols;
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        return Map.of();
    }
}
