package org.sparkeras.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;

/**
 * The fraction of positive targets that are predicted positive, as Keras's {@code Recall}:
 * {@code tp / (tp + fn)}, 0 when there was no positive target. Every output value counts on its
 * own (the arrays are flattened): a prediction is positive when it is above {@code thresholds}, a
 * target when it is non-zero; each counts with its sample's weight.
 *
 * <p>Arguments: {@code name} ("recall"), {@code thresholds} (0.5, in [0, 1]). Shapes: targets and
 * predictions {@code (batch, ...)} with the same number of values.
 */
public class Recall extends Metric {
    private double threshold = 0.5;
    private double truePositives;
    private double falseNegatives;

    public Recall() {
        this("recall");
    }

    public Recall(String name) {
        super(name);
    }

    /** The value above which a prediction counts as positive. */
    public Recall thresholds(double threshold) {
        this.threshold = Precision.checkThreshold(name(), threshold);
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
            if (yt[e] != 0) {
                double we = w == null ? 1 : w[e / per];
                if (yp[e] > threshold) {
                    truePositives += we;
                } else {
                    falseNegatives += we;
                }
            }
        }
    }

    @Override
    public double result() {
        double d = truePositives + falseNegatives;
        return d == 0 ? 0 : truePositives / d;
    }

    @Override
    public void resetState() {
        truePositives = 0;
        falseNegatives = 0;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("thresholds", threshold);
        return c;
    }
}
