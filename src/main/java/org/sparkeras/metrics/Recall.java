package org.sparkeras.metrics;

/**
 * The fraction of positive targets that are predicted positive, as Keras's {@code Recall}:
 * {@code tp / (tp + fn)}, 0 when there was no positive target. Every output value counts on its
 * own (see {@link ConfusionRatio}).
 *
 * <p>Arguments: {@code name} ("recall"), {@code thresholds} (0.5, in [0, 1]). Shapes: targets and
 * predictions {@code (batch, ...)} with the same number of values.
 */
public class Recall extends ConfusionRatio {

    public Recall() {
        this("recall");
    }

    public Recall(String name) {
        super(name);
    }

    @Override
    protected boolean isMiss(boolean predictedPositive, boolean actualPositive) {
        return !predictedPositive && actualPositive;
    }
}
