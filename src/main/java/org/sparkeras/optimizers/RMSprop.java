package org.sparkeras.optimizers;

import java.util.Map;

/**
 * RMSprop, as Keras {@code RMSprop}: divides the gradient by a moving root mean square of past
 * gradients, optionally centered (by their moving variance) and with plain momentum.
 *
 * <pre>
 * v = rho * v + (1 - rho) * g^2
 * a = rho * a + (1 - rho) * g                  (centered only)
 * increment = learning_rate * g / sqrt(v - a^2 + epsilon)     (centered)
 *           = learning_rate * g / sqrt(v + epsilon)           (not centered)
 * mom = momentum * mom + increment; w = w - mom                (momentum > 0)
 * w = w - increment                                            (momentum == 0)
 * </pre>
 *
 * <p>Arguments: {@code learning_rate} = 0.001, {@code rho} = 0.9 (in [0, 1]), {@code momentum} =
 * 0.0 (in [0, 1]), {@code epsilon} = 1e-7 (positive), {@code centered} = false, and the clipping
 * arguments of {@link Optimizer}. v, a and mom start at 0.
 *
 * <pre>{@code
 * Optimizer opt = new RMSprop(0.01).momentum(0.9).centered(true);
 * }</pre>
 */
public final class RMSprop extends Optimizer {
    private static final double DEFAULT_LEARNING_RATE = 0.001;
    private double rho = 0.9;
    private double momentum = 0.0;
    private double epsilon = 1e-7;
    private boolean centered = false;
    private int stateSize;
    private float[] velocity;
    private float[] averageGrad;
    private float[] moments;

    public RMSprop() {
        this(DEFAULT_LEARNING_RATE);
    }

    public RMSprop(double learningRate) {
        super(learningRate);
    }

    /** The discount factor of the moving averages, in [0, 1]. */
    public RMSprop rho(double rho) {
        checkRange("rho", rho, 0, 1, false);
        this.rho = rho;
        return this;
    }

    /** The momentum factor, in [0, 1]; 0 applies the increment directly. */
    public RMSprop momentum(double momentum) {
        checkRange("momentum", momentum, 0, 1, false);
        this.momentum = momentum;
        return this;
    }

    /** The constant added under the square root, positive. */
    public RMSprop epsilon(double epsilon) {
        checkPositive("epsilon", epsilon);
        this.epsilon = epsilon;
        return this;
    }

    /** Whether to normalize by the estimated variance instead of the uncentered second moment. */
    public RMSprop centered(boolean centered) {
        this.centered = centered;
        return this;
    }

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    protected void createState(int n) {
        stateSize = n;
        velocity = new float[n];
        averageGrad = centered ? new float[n] : null;
        moments = momentum > 0 ? new float[n] : null;
    }

    @Override
    protected float[][] state() {
        return new float[][] {velocity, averageGrad, moments};
    }

    @Override
    protected void update(float[] grads, float[] delta, int from, int to, long t) {
        float lr = (float) learningRate, r = (float) rho, r1 = (float) (1 - rho), eps = (float) epsilon;
        float mu = (float) momentum;
        // centered or momentum may have been switched on after the state was created
        if (centered && averageGrad == null) {
            averageGrad = new float[stateSize];
        }
        if (mu > 0 && moments == null) {
            moments = new float[stateSize];
        }
        float[] v = velocity, a = averageGrad, mom = moments;
        for (int j = from; j < to; j++) {
            float g = grads[j];
            float vj = r * v[j] + r1 * (g * g);
            v[j] = vj;
            float denominator;
            if (centered) {
                float aj = r * a[j] + r1 * g;
                a[j] = aj;
                denominator = vj - aj * aj + eps;
            } else {
                denominator = vj + eps;
            }
            float increment = lr * g / (float) Math.sqrt(denominator);
            if (mu > 0) {
                float mj = mu * mom[j] + increment;
                mom[j] = mj;
                delta[j] = -mj;
            } else {
                delta[j] = -increment;
            }
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("rho", rho);
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        c.put("centered", centered);
        return c;
    }
}
