package org.sparkeras.regularizers;

import java.util.Map;

/** {@code l1 * sum(|w|)}; l1 defaults to 0.01. */
public final class L1 extends Regularizer {
    public L1() {
        this(0.01);
    }

    public L1(double l1) {
        super(l1, 0);
    }

    @Override
    public String name() {
        return "l1";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Map.of("l1", l1());
    }
}
