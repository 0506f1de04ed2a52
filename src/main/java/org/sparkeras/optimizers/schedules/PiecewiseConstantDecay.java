package org.sparkeras.optimizers.schedules;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A piecewise constant learning rate, as Keras's {@code PiecewiseConstantDecay}:
 * {@code values[0]} while {@code step <= boundaries[0]}, {@code values[i]} while
 * {@code boundaries[i-1] < step <= boundaries[i]}, and the last value once
 * {@code step > boundaries[last]}.
 *
 * <p>Arguments: {@code boundaries}, strictly increasing steps; {@code values}, one more than the
 * boundaries.
 *
 * <pre>{@code
 * // 1.0 for the first 100001 steps, 0.5 for the next 10000, then 0.1
 * new PiecewiseConstantDecay(new long[] {100000, 110000}, new double[] {1.0, 0.5, 0.1});
 * }</pre>
 */
public final class PiecewiseConstantDecay extends LearningRateSchedule {
    private final long[] boundaries;
    private final double[] values;

    public PiecewiseConstantDecay(long[] boundaries, double[] values) {
        if (boundaries.length != values.length - 1) {
            throw new IllegalArgumentException(name() + ": the length of boundaries should be 1 less than the length of "
                    + "values, received boundaries=" + Arrays.toString(boundaries) + " of length " + boundaries.length
                    + ", and values=" + Arrays.toString(values) + " of length " + values.length);
        }
        for (int i = 1; i < boundaries.length; i++) {
            if (boundaries[i] <= boundaries[i - 1]) {
                throw new IllegalArgumentException(name() + ": boundaries must be strictly increasing, received "
                        + Arrays.toString(boundaries));
            }
        }
        for (double v : values) {
            checkFinite(name(), "values", v);
        }
        this.boundaries = boundaries.clone();
        this.values = values.clone();
    }

    @Override
    public double at(long step) {
        for (int i = 0; i < boundaries.length; i++) {
            if (step <= boundaries[i]) {
                return values[i];
            }
        }
        return values[boundaries.length];
    }

    @Override
    public String name() {
        return "PiecewiseConstant";
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("boundaries", Arrays.stream(boundaries).boxed().toList());
        c.put("values", Arrays.stream(values).boxed().toList());
        c.put("name", name());
        return c;
    }
}
