package org.sparkeras.optimizers;

import java.util.Map;

/**
 * Nadam, as Keras 3 {@code Nadam}: Adam with Nesterov momentum and Dozat's momentum schedule.
 *
 * <pre>
 * u_t = beta_1 * (1 - 0.5 * 0.96^t)            (u_{t+1} likewise with t + 1)
 * P_t = u_1 * u_2 * ... * u_t                  (running product, scalar state)
 * m = m + (g - m) * (1 - beta_1)
 * v = v + (g^2 - v) * (1 - beta_2)
 * m_hat = u_{t+1} * m / (1 - P_t * u_{t+1}) + (1 - u_t) * g / (1 - P_t)
 * v_hat = v / (1 - beta_2^t)
 * w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)
 * </pre>
 *
 * <p>This is the schedule of Keras 3 ({@code keras/src/optimizers/nadam.py}), whose exponent is
 * {@code t}; the legacy Keras 2 optimizer used {@code 0.96^(0.004 t)}.
 *
 * <p>Arguments: {@code learning_rate} = 0.001, {@code beta_1} = 0.9 and {@code beta_2} = 0.999
 * (in [0, 1)), {@code epsilon} = 1e-7 (positive), and the clipping arguments of {@link Optimizer}.
 * {@code t} is the 1-based iteration; m and v start at 0 and P_0 = 1.
 *
 * <pre>{@code
 * Optimizer opt = new Nadam(0.002);
 * }</pre>
 */
public final class Nadam extends Optimizer {
    private static final double DEFAULT_LEARNING_RATE = 0.001;
    private static final double DECAY = 0.96;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-7;
    private float[] m;
    private float[] v;
    /** P_t for t = uProductStep; advanced once per iteration, not once per trainable run. */
    private double uProduct = 1.0;
    private long uProductStep = 0;

    public Nadam() {
        this(DEFAULT_LEARNING_RATE);
    }

    public Nadam(double learningRate) {
        super(learningRate);
    }

    /** The decay rate of the first moment, in [0, 1). */
    public Nadam beta1(double beta1) {
        checkRange("beta_1", beta1, 0, 1, true);
        this.beta1 = beta1;
        return this;
    }

    /** The decay rate of the second moment, in [0, 1). */
    public Nadam beta2(double beta2) {
        checkRange("beta_2", beta2, 0, 1, true);
        this.beta2 = beta2;
        return this;
    }

    /** The constant added to the denominator, positive. */
    public Nadam epsilon(double epsilon) {
        checkPositive("epsilon", epsilon);
        this.epsilon = epsilon;
        return this;
    }

    @Override
    public String name() {
        return "nadam";
    }

    @Override
    protected void createState(int n) {
        m = new float[n];
        v = new float[n];
    }

    private double u(long step) {
        return beta1 * (1 - 0.5 * Math.pow(DECAY, step));
    }

    @Override
    protected float[][] state() {
        return new float[][] {m, v};
    }

    @Override
    protected void update(float[] grads, float[] delta, int from, int to, long t) {
        if (t < uProductStep) {
            uProduct = 1.0;
            uProductStep = 0;
        }
        while (uProductStep < t) {
            uProductStep++;
            uProduct *= u(uProductStep);
        }
        float c1 = (float) (1 - beta1), c2 = (float) (1 - beta2), eps = (float) epsilon, lr = (float) learningRate;
        double uT = u(t), uNext = u(t + 1);
        float mScale = (float) (uNext / (1 - uProduct * uNext));
        float gScale = (float) ((1 - uT) / (1 - uProduct));
        float vScale = (float) (1 / (1 - Math.pow(beta2, t)));
        float[] m = this.m, v = this.v;
        for (int j = from; j < to; j++) {
            float g = grads[j];
            float mj = m[j] + (g - m[j]) * c1;
            float vj = v[j] + (g * g - v[j]) * c2;
            m[j] = mj;
            v[j] = vj;
            float mHat = mScale * mj + gScale * g;
            delta[j] = -mHat * lr / ((float) Math.sqrt(vj * vScale) + eps);
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
