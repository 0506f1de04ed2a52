package org.sparkeras.metrics;

/**
 * The fraction of positive predictions that are right, as Keras's {@code Precision}:
 * {@code tp / (tp + fp)}, 0 when nothing was predicted positive. Every output value counts on its
 * own (see {@link ConfusionRatio}).
 *
 * <p>Arguments: {@code name} ("precision"), {@code thresholds} (0.5, in [0, 1]). Shapes: targets and
 * predictions {@code (batch, ...)} with the same number of values.
 */
public class Precision extends ConfusionRatio {

    public Precision() {
        this("precision");
    }

    public Precision(String name) {
        super(name);
    }

    @Override
    protected boolean isMiss(boolean predictedPositive, boolean actualPositive) {
        return predictedPositive && !actualPositive;
    }
}
