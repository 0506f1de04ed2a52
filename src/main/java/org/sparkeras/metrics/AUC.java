package org.sparkeras.metrics;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;

/**
 * Area under the ROC curve, approximated on a fixed grid of thresholds exactly as Keras's
 * {@code AUC} computes it. The thresholds are {@code -1e-7, 1/(n-1), 2/(n-1), ..., (n-2)/(n-1),
 * 1 + 1e-7} for {@code n = num_thresholds}; at each, true/false positives/negatives are
 * accumulated (prediction {@code > t} is positive, a non-zero target is positive, predictions
 * clipped to [0, 1], every value weighted by its sample's weight). Then
 *
 * <pre>
 *   recall_i = tp_i / (tp_i + fn_i),   fpr_i = fp_i / (fp_i + tn_i)          (0 when the sum is 0)
 *   auc      = sum_i (fpr_i - fpr_{i+1}) * height_i
 *   height_i = (recall_i + recall_{i+1}) / 2     interpolation (trapezoids, the default)
 *            = min(recall_i, recall_{i+1})       minoring
 *            = max(recall_i, recall_{i+1})       majoring
 * </pre>
 *
 * <p>Arguments: {@code name} ("auc"), {@code num_thresholds} (200, more than 1),
 * {@code summation_method} ("interpolation"). Only the ROC curve is provided; all output values
 * are pooled into one curve (Keras's {@code multi_label=False}).
 */
public class AUC extends Metric {
    private static final double EPSILON = 1e-7;

    private int numThresholds = 200;
    private String summationMethod = "interpolation";
    private double[] truePositives;
    private double[] falsePositives;
    private double[] trueNegatives;
    private double[] falseNegatives;

    public AUC() {
        this("auc");
    }

    public AUC(String name) {
        super(name);
        allocate();
    }

    /** The number of thresholds of the grid; more gives a finer approximation. */
    public AUC numThresholds(int numThresholds) {
        if (numThresholds <= 1) {
            throw new IllegalArgumentException("Metric \"" + name() + "\": num_thresholds must be an integer > 1, received "
                    + numThresholds);
        }
        this.numThresholds = numThresholds;
        allocate();
        return this;
    }

    public int numThresholds() {
        return numThresholds;
    }

    /** How the area between two thresholds is estimated: "interpolation", "minoring" or "majoring". */
    public AUC summationMethod(String method) {
        String m = method == null ? "" : method.toLowerCase(Locale.ROOT);
        if (!m.equals("interpolation") && !m.equals("minoring") && !m.equals("majoring")) {
            throw new IllegalArgumentException("Metric \"" + name() + "\": summation_method must be one of "
                    + "interpolation, majoring, minoring, received " + method);
        }
        this.summationMethod = m;
        return this;
    }

    public String summationMethod() {
        return summationMethod;
    }

    private void allocate() {
        truePositives = new double[numThresholds];
        falsePositives = new double[numThresholds];
        trueNegatives = new double[numThresholds];
        falseNegatives = new double[numThresholds];
    }

    /** The thresholds of the grid, lowest first. */
    public double[] thresholds() {
        double[] t = new double[numThresholds];
        t[0] = -EPSILON;
        for (int i = 1; i < numThresholds - 1; i++) {
            t[i] = (double) i / (numThresholds - 1);
        }
        t[numThresholds - 1] = 1 + EPSILON;
        return t;
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
        // Because the thresholds are evenly spaced, each prediction falls in one bucket
        // (t_i, t_{i+1}] and counts as positive at every threshold up to its bucket: a bucket sum
        // and a reverse cumulative sum give all thresholds in O(values + thresholds).
        double[] posBucket = new double[numThresholds];
        double[] negBucket = new double[numThresholds];
        double pos = 0;
        double neg = 0;
        for (int e = 0; e < yp.length; e++) {
            double p = Math.min(Math.max(yp[e], 0), 1);
            int bucket = Math.max(0, (int) Math.ceil(p * (numThresholds - 1)) - 1);
            double we = w == null ? 1 : w[e / per];
            if (yt[e] != 0) {
                posBucket[bucket] += we;
                pos += we;
            } else {
                negBucket[bucket] += we;
                neg += we;
            }
        }
        double tp = 0;
        double fp = 0;
        for (int i = numThresholds - 1; i >= 0; i--) {
            tp += posBucket[i];
            fp += negBucket[i];
            truePositives[i] += tp;
            falsePositives[i] += fp;
            falseNegatives[i] += pos - tp;
            trueNegatives[i] += neg - fp;
        }
    }

    @Override
    public double result() {
        double area = 0;
        double prevRecall = 0;
        double prevFpr = 0;
        for (int i = 0; i < numThresholds; i++) {
            double tpFn = truePositives[i] + falseNegatives[i];
            double fpTn = falsePositives[i] + trueNegatives[i];
            double recall = tpFn == 0 ? 0 : truePositives[i] / tpFn;
            double fpr = fpTn == 0 ? 0 : falsePositives[i] / fpTn;
            if (i > 0) {
                double height = switch (summationMethod) {
                    case "minoring" -> Math.min(prevRecall, recall);
                    case "majoring" -> Math.max(prevRecall, recall);
                    default -> (prevRecall + recall) / 2;
                };
                area += (prevFpr - fpr) * height;
            }
            prevRecall = recall;
            prevFpr = fpr;
        }
        return area;
    }

    @Override
    public void resetState() {
        allocate();
    }

    /** The four confusion counts per threshold: TP, FP, TN, FN, each {@code num_thresholds} long. */
    @Override
    public double[] stateVector() {
        int n = numThresholds;
        double[] s = new double[4 * n];
        System.arraycopy(truePositives, 0, s, 0, n);
        System.arraycopy(falsePositives, 0, s, n, n);
        System.arraycopy(trueNegatives, 0, s, 2 * n, n);
        System.arraycopy(falseNegatives, 0, s, 3 * n, n);
        return s;
    }

    @Override
    public void mergeState(double[] state) {
        int n = numThresholds;
        checkStateLength(state, 4 * n);
        for (int i = 0; i < n; i++) {
            truePositives[i] += state[i];
            falsePositives[i] += state[n + i];
            trueNegatives[i] += state[2 * n + i];
            falseNegatives[i] += state[3 * n + i];
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("num_thresholds", numThresholds);
        c.put("curve", "ROC");
        c.put("summation_method", summationMethod);
        return c;
    }
}
