package org.sparkeras.optimizers;

import java.util.Arrays;
import java.util.Map;

/**
 * Adagrad, as Keras {@code Adagrad}: per-parameter learning rates scaled by the accumulated sum of
 * squared gradients.
 *
 * <pre>
 * acc = acc + g^2                     (acc starts at initial_accumulator_value)
 * w = w - learning_rate * g / sqrt(acc + epsilon)
 * </pre>
 *
 * <p>Arguments: {@code learning_rate} = 0.001, {@code initial_accumulator_value} = 0.1
 * (non-negative), {@code epsilon} = 1e-7 (positive), and the clipping arguments of
 * {@link Optimizer}.
 *
 * <pre>{@code
 * Optimizer opt = new Adagrad(0.01).initialAccumulatorValue(0.0);
 * }</pre>
 */
public final class Adagrad extends Optimizer {
    private static final double DEFAULT_LEARNING_RATE = 0.001;
    private double initialAccumulatorValue = 0.1;
    private double epsilon = 1e-7;
    private float[] accumulator;

    public Adagrad() {
        this(DEFAULT_LEARNING_RATE);
    }

    public Adagrad(double learningRate) {
        super(learningRate);
    }

    /** The starting value of every accumulator, non-negative. */
    public Adagrad initialAccumulatorValue(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name() + ": initial_accumulator_value must be a finite non-negative "
                    + "number, received " + value);
        }
        this.initialAccumulatorValue = value;
        return this;
    }

    /** The constant added under the square root, positive. */
    public Adagrad epsilon(double epsilon) {
        checkPositive("epsilon", epsilon);
        this.epsilon = epsilon;
        return this;
    }

    @Override
    public String name() {
        return "adagrad";
    }

    @Override
    protected void createState(int n) {
        accumulator = new float[n];
        Arrays.fill(accumulator, (float) initialAccumulatorValue);
    }

    @Override
    protected float[][] state() {
        return new float[][] {accumulator};
    }

    @Override
    protected void update(float[] grads, float[] delta, int from, int to, long t) {
        float lr = (float) learningRate, eps = (float) epsilon;
        float[] acc = accumulator;
        for (int j = from; j < to; j++) {
            float g = grads[j];
            float aj = acc[j] + g * g;
            acc[j] = aj;
            delta[j] = -lr * g / (float) Math.sqrt(aj + eps);
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("initial_accumulator_value", initialAccumulatorValue);
        c.put("epsilon", epsilon);
        return c;
    }
}
