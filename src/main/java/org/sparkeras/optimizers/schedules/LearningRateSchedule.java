package org.sparkeras.optimizers.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A learning rate as a function of the optimizer step, as Keras's {@code LearningRateSchedule}.
 * The optimizer calls {@link #at(long)} with its iteration count before the update (0 for the
 * first update), once per step, so implementations must be cheap and must not allocate.
 *
 * <pre>{@code
 * Optimizer opt = new SGD().learningRate(new ExponentialDecay(0.1, 1000, 0.96));
 * }</pre>
 */
public abstract class LearningRateSchedule implements java.io.Serializable {
    /** The learning rate for the update that follows {@code step} completed updates. */
    public abstract double at(long step);

    /** Keras's {@code name} argument, which is also the default name of the schedule ("ExponentialDecay"). */
    public abstract String name();

    /** The constructor arguments by Keras name, including "name". */
    public abstract Map<String, Object> getConfig();

    /**
     * The schedule as Keras serializes it inside an optimizer config: module, class_name, config
     * and registered_name.
     */
    public Map<String, Object> serialize() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", "keras.optimizers.schedules");
        m.put("class_name", getClass().getSimpleName());
        m.put("config", getConfig());
        m.put("registered_name", null);
        return m;
    }

    /** Rejects a non-positive {@code decay_steps} as Keras does. */
    static void checkDecaySteps(String schedule, String what, long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException(schedule + ": argument `" + what + "` must be > 0, received " + what + "="
                    + steps);
        }
    }

    /** Rejects NaN and infinite values of argument {@code what}. */
    static void checkFinite(String schedule, String what, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(schedule + ": argument `" + what + "` must be a finite number, received "
                    + what + "=" + v);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + getConfig();
    }
}
