package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Map;

/** He uniform: U(-limit, limit) with limit = sqrt(6 / fan_in). Argument: seed (null = from the process seed source). */
public final class HeUniform extends VarianceScaling {
    private final Long seed;

    public HeUniform() {
        this(null);
    }

    public HeUniform(Long seed) {
        super(2.0, "fan_in", "uniform", seed);
        this.seed = seed;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("seed", seed);
        return c;
    }

    @Override
    public String name() {
        return "he_uniform";
    }
}
