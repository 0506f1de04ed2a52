package org.sparkeras.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;

/**
 * The weighted mean of the values it is given, as Keras's {@code Mean}:
 * {@code result = sum(w * value) / sum(w)}, 0 before any weight is seen. The fit loop tracks the
 * loss with it, one {@link #updateState(double, double)} per batch with the batch's sample count as
 * weight.
 *
 * <p>Arguments: {@code name} ("mean").
 */
public class Mean extends Metric {
    private double total;
    private double count;

    public Mean() {
        this("mean");
    }

    public Mean(String name) {
        super(name);
    }

    /** Adds {@code value} with weight {@code weight}. */
    public void updateState(double value, double weight) {
        total += value * weight;
        count += weight;
    }

    /**
     * Adds the values of {@code values}, one per sample: a sample with several values counts with
     * their mean, as Keras reduces to per-sample values before weighting. A mean has no targets, so
     * {@code yTrue} is ignored and may be null.
     */
    @Override
    public void updateState(INDArray yTrue, INDArray values, INDArray sampleWeight) {
        long[] shape = values.shape();
        int samples = samples(shape);
        if (values.length() == 0) {
            return;
        }
        double[] w = sampleWeights(sampleWeight, samples);
        double[] v = Host.toDoubles(values);
        int per = samples == 0 ? 0 : v.length / samples;
        for (int i = 0; i < samples; i++) {
            double s = 0;
            for (int j = 0; j < per; j++) {
                s += v[i * per + j];
            }
            updateState(s / per, w == null ? 1 : w[i]);
        }
    }

    @Override
    public double result() {
        return count == 0 ? 0 : total / count;
    }

    @Override
    public void resetState() {
        total = 0;
        count = 0;
    }

    /** {@code [total, count]}. */
    @Override
    public double[] stateVector() {
        return new double[] {total, count};
    }

    @Override
    public void mergeState(double[] state) {
        checkStateLength(state, 2);
        total += state[0];
        count += state[1];
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        return c;
    }
}
