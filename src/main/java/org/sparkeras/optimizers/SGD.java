package org.sparkeras.optimizers;

import java.util.Map;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.backend.Blas;

/**
 * Gradient descent with optional (Nesterov) momentum, as Keras {@code SGD}.
 *
 * <pre>
 * momentum == 0:  w = w - learning_rate * g
 * momentum  > 0:  m = momentum * m - learning_rate * g
 *                 w = w + m                                   (nesterov = false)
 *                 w = w + momentum * m - learning_rate * g    (nesterov = true)
 * </pre>
 *
 * <p>Arguments: {@code learning_rate} = 0.01, {@code momentum} = 0.0 (in [0, 1]),
 * {@code nesterov} = false, and the clipping arguments of {@link Optimizer}. Without momentum and
 * clipping an update is one BLAS axpy per trainable run of the store, with no host copy.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(0.1).momentum(0.9).nesterov(true);
 * }</pre>
 */
public final class SGD extends Optimizer {
    private static final double DEFAULT_LEARNING_RATE = 0.01;
    private double momentum = 0.0;
    private boolean nesterov = false;
    private int stateSize;
    private float[] velocity;

    public SGD() {
        this(DEFAULT_LEARNING_RATE);
    }

    public SGD(double learningRate) {
        super(learningRate);
    }

    /** The momentum factor, in [0, 1]; 0 is plain gradient descent. */
    public SGD momentum(double momentum) {
        checkRange("momentum", momentum, 0, 1, false);
        this.momentum = momentum;
        return this;
    }

    /** Whether to use Nesterov momentum (only with momentum > 0). */
    public SGD nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    protected void createState(int n) {
        stateSize = n;
        velocity = momentum != 0 ? new float[n] : null;
    }

    @Override
    protected boolean applyFast(ParameterStore store) {
        if (momentum != 0 || clips()) {
            return false;
        }
        for (long[] run : store.trainableRuns()) {
            Blas.axpy(-learningRate, range(store.grads(), run), range(store.values(), run));
        }
        return true;
    }

    @Override
    protected float[][] state() {
        return new float[][] {velocity};
    }

    @Override
    protected void update(float[] grads, float[] delta, int from, int to, long t) {
        float lr = (float) learningRate;
        if (momentum == 0) {
            for (int j = from; j < to; j++) {
                delta[j] = -lr * grads[j];
            }
            return;
        }
        if (velocity == null) {
            // momentum was switched on after the state was created
            velocity = new float[stateSize];
        }
        float mu = (float) momentum;
        float[] m = velocity;
        if (nesterov) {
            for (int j = from; j < to; j++) {
                float step = lr * grads[j];
                float v = mu * m[j] - step;
                m[j] = v;
                delta[j] = mu * v - step;
            }
        } else {
            for (int j = from; j < to; j++) {
                float v = mu * m[j] - lr * grads[j];
                m[j] = v;
                delta[j] = v;
            }
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("momentum", momentum);
        c.put("nesterov", nesterov);
        return c;
    }
}
