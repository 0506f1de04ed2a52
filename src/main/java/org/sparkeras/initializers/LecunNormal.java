package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Map;

/** LeCun normal: a truncated normal with stddev sqrt(1 / fan_in); the initializer SELU networks expect. Argument: seed (null = from the process seed source). */
public final class LecunNormal extends VarianceScaling {
    private final Long seed;

    public LecunNormal() {
        this(null);
    }

    public LecunNormal(Long seed) {
        super(1.0, "fan_in", "truncated_normal", seed);
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
        return "lecun_normal";
    }
}
