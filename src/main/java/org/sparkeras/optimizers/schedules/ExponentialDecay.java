package org.sparkeras.optimizers.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential decay, as Keras's {@code ExponentialDecay}:
 *
 * <pre>
 * lr(step) = initial_learning_rate * decay_rate ^ (step / decay_steps)
 * </pre>
 *
 * with {@code step / decay_steps} floored when {@code staircase} is true.
 *
 * <p>Arguments: {@code initial_learning_rate}, {@code decay_steps} (> 0), {@code decay_rate}
 * (required); {@code staircase} = false.
 *
 * <pre>{@code
 * new SGD().learningRate(new ExponentialDecay(0.1, 100000, 0.96).staircase(true));
 * }</pre>
 */
public final class ExponentialDecay extends LearningRateSchedule {
    private final double initialLearningRate;
    private final long decaySteps;
    private final double decayRate;
    private boolean staircase = false;

    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
        checkFinite(name(), "initial_learning_rate", initialLearningRate);
        checkDecaySteps(name(), "decay_steps", decaySteps);
        checkFinite(name(), "decay_rate", decayRate);
        this.initialLearningRate = initialLearningRate;
        this.decaySteps = decaySteps;
        this.decayRate = decayRate;
    }

    /** Whether to decay at discrete intervals (integer division of the step). */
    public ExponentialDecay staircase(boolean staircase) {
        this.staircase = staircase;
        return this;
    }

    @Override
    public double at(long step) {
        double p = (double) step / decaySteps;
        if (staircase) {
            p = Math.floor(p);
        }
        return initialLearningRate * Math.pow(decayRate, p);
    }

    @Override
    public String name() {
        return "ExponentialDecay";
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("decay_steps", decaySteps);
        c.put("decay_rate", decayRate);
        c.put("staircase", staircase);
        c.put("name", name());
        return c;
    }
}
