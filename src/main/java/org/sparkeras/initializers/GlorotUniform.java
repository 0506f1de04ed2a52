package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Map;

/** Glorot (Xavier) uniform: U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)). The default kernel initializer of Dense. Argument: seed (null = from the process seed source). */
public final class GlorotUniform extends VarianceScaling {
    private final Long seed;

    public GlorotUniform() {
        this(null);
    }

    public GlorotUniform(Long seed) {
        super(1.0, "fan_avg", "uniform", seed);
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
        return "glorot_uniform";
    }
}
