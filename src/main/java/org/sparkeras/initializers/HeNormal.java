package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Map;

/** He normal: a truncated normal with stddev sqrt(2 / fan_in). Argument: seed (null = from the process seed source). */
public final class HeNormal extends VarianceScaling {
    private final Long seed;

    public HeNormal() {
        this(null);
    }

    public HeNormal(Long seed) {
        super(2.0, "fan_in", "truncated_normal", seed);
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
        return "he_normal";
    }
}
