package org.sparkeras.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;

/**
 * The base of Precision and Recall: {@code tp / (tp + misses)} over every output value (the arrays
 * are flattened), where a prediction is positive above {@code thresholds} and a target when it is
 * non-zero, each counted with its sample's weight; 0 when the denominator is 0. Subclasses say which
 * non-true-positive outcomes count as misses.
 */
public abstract class ConfusionRatio extends Metric {
    private double threshold = 0.5;
    private double truePositives;
    private double misses;

    protected ConfusionRatio(String name) {
        super(name);
    }

    /** Whether an outcome that is not a true positive counts in the denominator. */
    protected abstract boolean isMiss(boolean predictedPositive, boolean actualPositive);

    /** The value above which a prediction counts as positive (default 0.5, in [0, 1]). */
    public ConfusionRatio thresholds(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("Metric \"" + name() + "\": thresholds must be in [0, 1], received "
                    + threshold);
        }
        this.threshold = threshold;
        return this;
    }

    public double thresholds() {
        return threshold;
    }

    @Override
    public void updateState(INDArray yTrue, INDArray yPred, INDArray sampleWeight) {
        long[] shape = yPred.shape();
        checkTargets(yTrue, yPred, cols(shape));
        int samples = samples(shape);
        if (yPred.length() == 0) {
            return;
        }
        double[] w = sampleWeights(sampleWeight, samples);
        double[] yt = Host.toDoubles(yTrue);
        double[] yp = Host.toDoubles(yPred);
        int per = samples == 0 ? 0 : yp.length / samples;
        for (int e = 0; e < yp.length; e++) {
            boolean predicted = yp[e] > threshold, actual = yt[e] != 0;
            double we = w == null ? 1 : w[e / per];
            if (predicted && actual) {
                truePositives += we;
            } else if (isMiss(predicted, actual)) {
                misses += we;
            }
        }
    }

    @Override
    public double result() {
        double d = truePositives + misses;
        return d == 0 ? 0 : truePositives / d;
    }

    @Override
    public void resetState() {
        truePositives = 0;
        misses = 0;
    }

    /** {@code [true positives, misses]}. */
    @Override
    public double[] stateVector() {
        return new double[] {truePositives, misses};
    }

    @Override
    public void mergeState(double[] state) {
        checkStateLength(state, 2);
        truePositives += state[0];
        misses += state[1];
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("thresholds", threshold);
        return c;
    }
}
