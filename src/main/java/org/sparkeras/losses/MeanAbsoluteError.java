package org.sparkeras.losses;

import java.util.Map;

/**
 * Mean of the absolute errors over the last axis, as Keras's {@code MeanAbsoluteError}:
 * {@code loss = mean(|y_true - y_pred|, axis=-1)}. The gradient at a zero error is 0.
 *
 * <p>No arguments. Shapes: targets and predictions {@code (batch, ..., units)}; targets of shape
 * {@code (batch,)} are accepted for predictions of shape {@code (batch, 1)}.
 *
 * <pre>{@code
 * model.compile("adam", "mae");
 * }</pre>
 */
public class MeanAbsoluteError extends Loss {
    @Override
    public String name() {
        return "mean_absolute_error";
    }

    @Override
    protected void compute(double[] yTrue, double[] yPred, int rows, int cols, double[] losses, double[] grad,
            boolean logits) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double loss = 0;
            for (int c = 0; c < cols; c++) {
                double e = yPred[o + c] - yTrue[o + c];
                loss += Math.abs(e);
                if (grad != null) {
                    grad[o + c] = Math.signum(e) / cols;
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
