package org.sparkeras.regularizers;

import java.util.Map;

/** {@code l2 * sum(w²)}; l2 defaults to 0.01. */
public final class L2 extends Regularizer {
    public L2() {
        this(0.01);
    }

    public L2(double l2) {
        super(0, l2);
    }

    @Override
    public String name() {
        return "l2";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Map.of("l2", l2());
    }
}
