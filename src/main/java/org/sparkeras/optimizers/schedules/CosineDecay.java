package org.sparkeras.optimizers.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cosine decay with optional linear warmup, as Keras 3's {@code CosineDecay}. Without
 * {@code warmup_target}:
 *
 * <pre>
 * s = min(step, decay_steps)
 * lr(step) = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)
 * </pre>
 *
 * With {@code warmup_target}, the rate first moves linearly from {@code initial_learning_rate} to
 * {@code warmup_target} over {@code warmup_steps}, then decays from {@code warmup_target}:
 *
 * <pre>
 * s = min(step, decay_steps + warmup_steps)
 * s &lt; warmup_steps:  lr = (warmup_target - initial_learning_rate) * s / warmup_steps + initial_learning_rate
 * otherwise:          lr = warmup_target * ((1 - alpha) * 0.5 * (1 + cos(pi * (s - warmup_steps) / decay_steps)) + alpha)
 * </pre>
 *
 * <p>Arguments: {@code initial_learning_rate}, {@code decay_steps} (> 0) (required);
 * {@code alpha} = 0.0 (the final rate as a fraction of the starting one), {@code warmup_target} =
 * null (no warmup), {@code warmup_steps} = 0.
 *
 * <pre>{@code
 * new CosineDecay(0.0, 1000).warmupTarget(0.1).warmupSteps(100);
 * }</pre>
 */
public final class CosineDecay extends LearningRateSchedule {
    private final double initialLearningRate;
    private final long decaySteps;
    private double alpha = 0.0;
    private Double warmupTarget = null;
    private long warmupSteps = 0;

    public CosineDecay(double initialLearningRate, long decaySteps) {
        checkFinite(name(), "initial_learning_rate", initialLearningRate);
        checkDecaySteps(name(), "decay_steps", decaySteps);
        this.initialLearningRate = initialLearningRate;
        this.decaySteps = decaySteps;
    }

    /** The final learning rate as a fraction of the rate the decay starts from. */
    public CosineDecay alpha(double alpha) {
        checkFinite(name(), "alpha", alpha);
        this.alpha = alpha;
        return this;
    }

    /** The rate the warmup reaches and the decay starts from; null disables the warmup. */
    public CosineDecay warmupTarget(Double warmupTarget) {
        if (warmupTarget != null) {
            checkFinite(name(), "warmup_target", warmupTarget);
        }
        this.warmupTarget = warmupTarget;
        return this;
    }

    /** The number of warmup steps (used only with a warmup target). */
    public CosineDecay warmupSteps(long warmupSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException(name() + ": argument `warmup_steps` must be >= 0, received warmup_steps="
                    + warmupSteps);
        }
        this.warmupSteps = warmupSteps;
        return this;
    }

    @Override
    public double at(long step) {
        if (warmupTarget == null) {
            return decay(Math.min(step, decaySteps), initialLearningRate);
        }
        double target = warmupTarget;
        long s = Math.min(step, decaySteps + warmupSteps);
        if (s < warmupSteps) {
            return (target - initialLearningRate) * ((double) s / warmupSteps) + initialLearningRate;
        }
        return decay(s - warmupSteps, target);
    }

    private double decay(long s, double from) {
        double cosine = 0.5 * (1.0 + Math.cos(Math.PI * ((double) s / decaySteps)));
        return from * ((1 - alpha) * cosine + alpha);
    }

    @Override
    public String name() {
        return "CosineDecay";
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("decay_steps", decaySteps);
        c.put("alpha", alpha);
        c.put("name", name());
        c.put("warmup_target", warmupTarget);
        c.put("warmup_steps", warmupSteps);
        return c;
    }
}
