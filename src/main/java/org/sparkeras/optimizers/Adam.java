package org.sparkeras.optimizers;

import java.util.Map;

/**
 * Adam, as Keras {@code Adam}: adaptive first and second moment estimates with bias correction.
 *
 * <pre>
 * alpha = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 * m = m + (g - m) * (1 - beta_1)
 * v = v + (g^2 - v) * (1 - beta_2)
 * v_hat = max(v_hat, v)                        (amsgrad only; then v_hat replaces v below)
 * w = w - alpha * m / (sqrt(v) + epsilon)
 * </pre>
 *
 * <p>Arguments: {@code learning_rate} = 0.001, {@code beta_1} = 0.9 and {@code beta_2} = 0.999
 * (in [0, 1)), {@code epsilon} = 1e-7 (positive), {@code amsgrad} = false, and the clipping
 * arguments of {@link Optimizer}. {@code t} is the 1-based iteration; m, v and v_hat start at 0.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(3e-4).beta2(0.98).amsgrad(true);
 * }</pre>
 */
public final class Adam extends Optimizer {
    private static final double DEFAULT_LEARNING_RATE = 0.001;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-7;
    private boolean amsgrad = false;
    private int stateSize;
    private double[] m;
    private double[] v;
    private double[] vHat;

    public Adam() {
        this(DEFAULT_LEARNING_RATE);
    }

    public Adam(double learningRate) {
        super(learningRate);
    }

    /** The decay rate of the first moment, in [0, 1). */
    public Adam beta1(double beta1) {
        checkRange("beta_1", beta1, 0, 1, true);
        this.beta1 = beta1;
        return this;
    }

    /** The decay rate of the second moment, in [0, 1). */
    public Adam beta2(double beta2) {
        checkRange("beta_2", beta2, 0, 1, true);
        this.beta2 = beta2;
        return this;
    }

    /** The constant added to the denominator, positive. */
    public Adam epsilon(double epsilon) {
        checkPositive("epsilon", epsilon);
        this.epsilon = epsilon;
        return this;
    }

    /** Whether to divide by the running maximum of v (AMSGrad). */
    public Adam amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return this;
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    protected void createState(int n) {
        stateSize = n;
        m = new double[n];
        v = new double[n];
        vHat = amsgrad ? new double[n] : null;
    }

    @Override
    protected void update(double[] params, double[] grads, int len, int offset, long t) {
        double b1 = beta1, b2 = beta2, eps = epsilon;
        double alpha = learningRate * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        double c1 = 1 - b1, c2 = 1 - b2;
        double[] m = this.m, v = this.v;
        if (amsgrad) {
            if (vHat == null) {
                // amsgrad was switched on after the state was created
                vHat = new double[stateSize];
            }
            double[] vh = vHat;
            for (int i = 0; i < len; i++) {
                int j = offset + i;
                double g = grads[i];
                double mj = m[j] + (g - m[j]) * c1;
                double vj = v[j] + (g * g - v[j]) * c2;
                double hj = Math.max(vh[j], vj);
                m[j] = mj;
                v[j] = vj;
                vh[j] = hj;
                params[i] -= mj * alpha / (Math.sqrt(hj) + eps);
            }
        } else {
            for (int i = 0; i < len; i++) {
                int j = offset + i;
                double g = grads[i];
                double mj = m[j] + (g - m[j]) * c1;
                double vj = v[j] + (g * g - v[j]) * c2;
                m[j] = mj;
                v[j] = vj;
                params[i] -= mj * alpha / (Math.sqrt(vj) + eps);
            }
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("beta_1", beta1);
        c.put("beta_2", beta2);
        c.put("epsilon", epsilon);
        c.put("amsgrad", amsgrad);
        return c;
    }
}
