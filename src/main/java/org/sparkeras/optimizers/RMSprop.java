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
    private double[] velocity;
    private double[] averageGrad;
    private double[] moments;

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
        velocity = new double[n];
        averageGrad = centered ? new double[n] : null;
        moments = momentum > 0 ? new double[n] : null;
    }

    @Override
    protected void update(double[] params, double[] grads, int len, int offset, long t) {
        double lr = learningRate, r = rho, r1 = 1 - rho, eps = epsilon, mu = momentum;
        // centered or momentum may have been switched on after the state was created
        if (centered && averageGrad == null) {
            averageGrad = new double[stateSize];
        }
        if (mu > 0 && moments == null) {
            moments = new double[stateSize];
        }
        double[] v = velocity, a = averageGrad, mom = moments;
        for (int i = 0; i < len; i++) {
            int j = offset + i;
            double g = grads[i];
            double vj = r * v[j] + r1 * (g * g);
            v[j] = vj;
            double denominator;
            if (centered) {
                double aj = r * a[j] + r1 * g;
                a[j] = aj;
                denominator = vj - aj * aj + eps;
            } else {
                denominator = vj + eps;
            }
            double increment = lr * g / Math.sqrt(denominator);
            if (mu > 0) {
                double mj = mu * mom[j] + increment;
                mom[j] = mj;
                params[i] -= mj;
            } else {
                params[i] -= increment;
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
