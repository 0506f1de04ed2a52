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
    private float[] m;
    private float[] v;
    private float[] vHat;

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
        m = new float[n];
        v = new float[n];
        vHat = amsgrad ? new float[n] : null;
    }

    @Override
    protected float[][] state() {
        return new float[][] {m, v, vHat};
    }

    @Override
    protected void update(float[] grads, float[] delta, int from, int to, long t) {
        float alpha = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        float c1 = (float) (1 - beta1), c2 = (float) (1 - beta2), eps = (float) epsilon;
        float[] m = this.m, v = this.v;
        if (amsgrad) {
            if (vHat == null) {
                // amsgrad was switched on after the state was created
                vHat = new float[stateSize];
            }
            float[] vh = vHat;
            for (int j = from; j < to; j++) {
                float g = grads[j];
                float mj = m[j] + (g - m[j]) * c1;
                float vj = v[j] + (g * g - v[j]) * c2;
                float hj = Math.max(vh[j], vj);
                m[j] = mj;
                v[j] = vj;
                vh[j] = hj;
                delta[j] = -mj * alpha / ((float) Math.sqrt(hj) + eps);
            }
        } else {
            for (int j = from; j < to; j++) {
                float g = grads[j];
                float mj = m[j] + (g - m[j]) * c1;
                float vj = v[j] + (g * g - v[j]) * c2;
                m[j] = mj;
                v[j] = vj;
                delta[j] = -mj * alpha / ((float) Math.sqrt(vj) + eps);
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
