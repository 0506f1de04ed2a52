package org.sparkeras.regularizers;

/** {@code l1 * sum(|w|) + l2 * sum(w²)}; both default to 0.0 as in Keras. */
public final class L1L2 extends Regularizer {
    public L1L2(double l1, double l2) {
        super(l1, l2);
    }

    @Override
    public String name() {
        return "l1_l2";
    }
}
