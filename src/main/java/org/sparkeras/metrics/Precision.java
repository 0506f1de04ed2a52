package org.sparkeras.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;

/**
 * The fraction of positive predictions that are right, as Keras's {@code Precision}:
 * {@code tp / (tp + fp)}, 0 when nothing was predicted positive. Every output value counts on its
 * own (the arrays are flattened): a prediction is positive when it is above {@code thresholds}, a
 * target when it is non-zero; each counts with its sample's weight.
 *
 * <p>Arguments: {@code name} ("precision"), {@code thresholds} (0.5, in [0, 1]). Shapes: targets and
 * predictions {@code (batch, ...)} with the same number of values.
 */
public class Precision extends Metric {
    private double threshold = 0.5;
    private double truePositives;
    private double falsePositives;

    public Precision() {
        this("precision");
    }

    public Precision(String name) {
        super(name);
    }

    /** The value above which a prediction counts as positive. */
    public Precision thresholds(double threshold) {
        this.threshold = checkThreshold(name(), threshold);
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
            if (yp[e] > threshold) {
                double we = w == null ? 1 : w[e / per];
                if (yt[e] != 0) {
                    truePositives += we;
                } else {
                    falsePositives += we;
                }
            }
        }
    }

    @Override
    public double result() {
        double d = truePositives + falsePositives;
        return d == 0 ? 0 : truePositives / d;
    }

    @Override
    public void resetState() {
        truePositives = 0;
        falsePositives = 0;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("thresholds", threshold);
        return c;
    }

    static double checkThreshold(String metric, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("Metric \"" + metric + "\": thresholds must be in [0, 1], received "
                    + threshold);
        }
        return threshold;
    }
}
