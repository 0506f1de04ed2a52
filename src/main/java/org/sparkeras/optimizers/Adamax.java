package org.sparkeras.optimizers;

import java.util.Map;

/**
 * Adamax, as Keras {@code Adamax}: Adam with the infinity norm in place of the second moment.
 *
 * <pre>
 * m = m + (g - m) * (1 - beta_1)
 * u = max(beta_2 * u, |g|)
 * w = w - learning_rate * m / ((1 - beta_1^t) * (u + epsilon))
 * </pre>
 *
 * <p>Arguments: {@code learning_rate} = 0.001, {@code beta_1} = 0.9 (in [0, 1)), {@code beta_2} =
 * 0.999 (in [0, 1]), {@code epsilon} = 1e-7 (positive), and the clipping arguments of
 * {@link Optimizer}. {@code t} is the 1-based iteration; m and u start at 0.
 *
 * <pre>{@code
 * Optimizer opt = new Adamax(0.002).beta1(0.8);
 * }</pre>
 */
public final class Adamax extends Optimizer {
    private static final double DEFAULT_LEARNING_RATE = 0.001;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-7;
    private float[] m;
    private float[] u;

    public Adamax() {
        this(DEFAULT_LEARNING_RATE);
    }

    public Adamax(double learningRate) {
        super(learningRate);
    }

    /** The decay rate of the first moment, in [0, 1). */
    public Adamax beta1(double beta1) {
        checkRange("beta_1", beta1, 0, 1, true);
        this.beta1 = beta1;
        return this;
    }

    /** The decay rate of the infinity norm, in [0, 1]. */
    public Adamax beta2(double beta2) {
        checkRange("beta_2", beta2, 0, 1, false);
        this.beta2 = beta2;
        return this;
    }

    /** The constant added to the denominator, positive. */
    public Adamax epsilon(double epsilon) {
        checkPositive("epsilon", epsilon);
        this.epsilon = epsilon;
        return this;
    }

    @Override
    public String name() {
        return "adamax";
    }

    @Override
    protected void createState(int n) {
        m = new float[n];
        u = new float[n];
    }

    @Override
    protected float[][] state() {
        return new float[][] {m, u};
    }

    @Override
    protected void update(float[] grads, float[] delta, int from, int to, long t) {
        float b2 = (float) beta2, c1 = (float) (1 - beta1), eps = (float) epsilon;
        float scale = (float) (learningRate / (1 - Math.pow(beta1, t)));
        float[] m = this.m, u = this.u;
        for (int j = from; j < to; j++) {
            float g = grads[j];
            float mj = m[j] + (g - m[j]) * c1;
            float uj = Math.max(b2 * u[j], Math.abs(g));
            m[j] = mj;
            u[j] = uj;
            delta[j] = -scale * mj / (uj + eps);
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("beta_1", beta1);
        c.put("beta_2", beta2);
        c.put("epsilon", epsilon);
        return c;
    }
}
