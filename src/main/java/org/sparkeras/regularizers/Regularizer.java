package org.sparkeras.regularizers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.saving.Registry;

/**
 * A penalty {@code l1 * sum(|w|) + l2 * sum(w²)} on a weight, added to the training loss (and to the
 * reported loss, as in Keras). Subclasses fix the Keras name and defaults.
 */
public abstract class Regularizer {
    private final double l1;
    private final double l2;

    protected Regularizer(double l1, double l2) {
        if (l1 < 0 || l2 < 0 || Double.isNaN(l1) || Double.isNaN(l2)) {
            throw new IllegalArgumentException(name() + ": factors must be non-negative, received l1=" + l1 + ", l2=" + l2);
        }
        this.l1 = l1;
        this.l2 = l2;
    }

    /** The penalty of {@code w} as a scalar tensor. */
    public Tensor penalty(Tensor w) {
        Tensor p = null;
        if (l1 > 0) {
            p = Ops.scale(Ops.sum(Ops.abs(w)), l1);
        }
        if (l2 > 0) {
            Tensor q = Ops.scale(Ops.sum(Ops.square(w)), l2);
            p = p == null ? q : Ops.add(p, q);
        }
        return p != null ? p : Ops.scalar(w.dtype(), 0.0);
    }

    public double l1() {
        return l1;
    }

    public double l2() {
        return l2;
    }

    /** The Keras identifier ("l1", "l2", "l1_l2"). */
    public abstract String name();

    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("l1", l1);
        c.put("l2", l2);
        return c;
    }

    /** Resolves a Keras regularizer name with its default factor. */
    public static Regularizer get(String name) {
        return Registry.get(Registry.Kind.REGULARIZER, name, Regularizer.class);
    }
}
