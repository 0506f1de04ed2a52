package org.sparkeras.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;

/**
 * A metric that is the sample-weighted mean of a per-sample value, as Keras's
 * {@code MeanMetricWrapper}: {@code result = sum(w_i * v_i) / sum(w_i)}, 0 before any weight is
 * seen. Subclasses give the value of one prediction row ({@link #value}); when a sample has several
 * rows ({@code (batch, steps, classes)}) its value is the mean over them, as Keras reduces to
 * per-sample values before weighting. Sums are kept in double precision.
 */
public abstract class MeanMetricWrapper extends Metric {
    private double total;
    private double count;

    protected MeanMetricWrapper(String name) {
        super(name);
    }

    /** The number of target values per row for predictions with {@code cols} values per row. */
    protected int targetColumns(int cols) {
        return cols;
    }

    /**
     * The value of one row: {@code cols} predictions at {@code yPred[predOffset ..]} against
     * {@link #targetColumns(int)} targets at {@code yTrue[trueOffset ..]}.
     */
    protected abstract double value(double[] yTrue, int trueOffset, double[] yPred, int predOffset, int cols);

    @Override
    public void updateState(INDArray yTrue, INDArray yPred, INDArray sampleWeight) {
        long[] shape = yPred.shape();
        int cols = cols(shape);
        int tc = targetColumns(cols);
        checkTargets(yTrue, yPred, tc);
        int samples = samples(shape);
        int rows = rows(shape);
        if (yPred.length() == 0) {
            return;
        }
        double[] w = sampleWeights(sampleWeight, samples);
        double[] yt = Host.toDoubles(yTrue);
        double[] yp = Host.toDoubles(yPred);
        int perSample = samples == 0 ? 0 : rows / samples;
        for (int i = 0; i < samples; i++) {
            double v = 0;
            for (int j = 0; j < perSample; j++) {
                int r = i * perSample + j;
                v += value(yt, r * tc, yp, r * cols, cols);
            }
            double wi = w == null ? 1 : w[i];
            total += wi * (v / perSample);
            count += wi;
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

    /** The index of the largest of {@code n} values from {@code off}; the first one on ties. */
    static int argmax(double[] v, int off, int n) {
        int best = 0;
        for (int c = 1; c < n; c++) {
            if (v[off + c] > v[off + best]) {
                best = c;
            }
        }
        return best;
    }

    /** Whether {@code v[off + target]} is among the {@code k} largest values (ties count as inside). */
    static boolean inTopK(double[] v, int off, int n, int target, int k) {
        double t = v[off + target];
        int greater = 0;
        for (int c = 0; c < n; c++) {
            if (v[off + c] > t) {
                greater++;
            }
        }
        return greater < k;
    }
}
