package org.sparkeras.losses;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Huber loss, quadratic for small errors and linear for large ones, averaged over the last axis, as
 * Keras's {@code Huber}: with {@code e = y_pred - y_true},
 *
 * <pre>
 *   loss = mean(0.5 * e^2                     if |e| <= delta
 *               delta * |e| - 0.5 * delta^2   otherwise,        axis=-1)
 * </pre>
 *
 * <p>Arguments: {@code delta} (1.0): the error at which the loss turns from quadratic to linear;
 * positive and finite. Shapes: targets and predictions {@code (batch, ..., units)}.
 *
 * <pre>{@code
 * model.compile("adam", new Huber().delta(2.0));
 * }</pre>
 */
public class Huber extends Loss {
    private double delta = 1.0;

    /** {@code delta = 1.0}. */
    public Huber() {}

    public Huber(double delta) {
        delta(delta);
    }

    /** The error at which the loss turns from quadratic to linear. */
    public Huber delta(double delta) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("Loss \"huber\": delta must be positive and finite, received " + delta);
        }
        this.delta = delta;
        return this;
    }

    public double delta() {
        return delta;
    }

    @Override
    public String name() {
        return "huber";
    }

    @Override
    protected void compute(double[] yTrue, double[] yPred, int rows, int cols, double[] losses, double[] grad,
            boolean logits) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double loss = 0;
            for (int c = 0; c < cols; c++) {
                double e = yPred[o + c] - yTrue[o + c];
                double a = Math.abs(e);
                boolean quadratic = a <= delta;
                loss += quadratic ? 0.5 * e * e : delta * a - 0.5 * delta * delta;
                if (grad != null) {
                    grad[o + c] = (quadratic ? e : delta * Math.signum(e)) / cols;
                }
            }
            losses[r] = loss / cols;
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("delta", delta);
        return c;
    }
}
