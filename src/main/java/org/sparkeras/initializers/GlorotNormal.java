package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Map;

/** Glorot (Xavier) normal: a truncated normal with stddev sqrt(2 / (fan_in + fan_out)). Argument: seed (null = from the process seed source). */
public final class GlorotNormal extends VarianceScaling {
    private final Long seed;

    public GlorotNormal() {
        this(null);
    }

    public GlorotNormal(Long seed) {
        super(1.0, "fan_avg", "truncated_normal", seed);
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
        return "glorot_normal";
    }
}
