package org.sparkeras.losses;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary cross-entropy of independent 0/1 targets, averaged over the last axis, as Keras's
 * {@code BinaryCrossentropy}:
 *
 * <pre>
 *   p    = clip(y_pred, 1e-7, 1 - 1e-7)
 *   loss = mean(-(y_true * log(p) + (1 - y_true) * log(1 - p)), axis=-1)
 *   loss = mean(max(x, 0) - x * y_true + log1p(exp(-|x|)), axis=-1)     (from_logits: x are logits)
 * </pre>
 *
 * <p>Arguments: {@code from_logits} (false): whether the predictions are logits rather than
 * probabilities. After a sigmoid output (and {@code from_logits=false}) the gradient is taken with
 * respect to the sigmoid input, {@code (p - y_true) / classes}.
 *
 * <p>Shapes: targets and predictions {@code (batch, ..., units)}; targets of shape {@code (batch,)}
 * are accepted for predictions of shape {@code (batch, 1)}.
 *
 * <pre>{@code
 * model.compile("adam", new BinaryCrossentropy().fromLogits(true), "accuracy");
 * }</pre>
 */
public class BinaryCrossentropy extends Loss {
    private boolean fromLogits = false;

    /** Expects probabilities ({@code from_logits=false}). */
    public BinaryCrossentropy() {}

    public BinaryCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    /** Whether the predictions are logits. */
    public BinaryCrossentropy fromLogits(boolean fromLogits) {
        this.fromLogits = fromLogits;
        return this;
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public String name() {
        return "binary_crossentropy";
    }

    @Override
    protected String fusedActivation() {
        return fromLogits ? null : "sigmoid";
    }

    @Override
    protected void compute(double[] yTrue, double[] yPred, int rows, int cols, double[] losses, double[] grad,
            boolean logits) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double loss = 0;
            for (int c = 0; c < cols; c++) {
                double y = yTrue[o + c];
                double x = yPred[o + c];
                double g;
                if (fromLogits) {
                    loss += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
                    g = sigmoid(x) - y;
                } else {
                    double p = Math.min(Math.max(x, EPSILON), 1 - EPSILON);
                    loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
                    if (logits) {
                        g = x - y;
                    } else {
                        g = x >= EPSILON && x <= 1 - EPSILON ? (1 - y) / (1 - x) - y / x : 0;
                    }
                }
                if (grad != null) {
                    grad[o + c] = g / cols;
                }
            }
            losses[r] = loss / cols;
        }
    }

    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("from_logits", fromLogits);
        return c;
    }
}
