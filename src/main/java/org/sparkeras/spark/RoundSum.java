package org.sparkeras.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.sparkeras.training.LocalTrainer;

/**
 * The sum of workers' results for one round, accumulated in double precision in partition-index
 * order: parameters and optimizer state weighted by the samples each worker trained on, sample
 * and step counts, loss and metric sums. Workers whose result is not finite are left out and
 * described in {@link #problems()}; the driver decides what to do with them.
 */
final class RoundSum implements Serializable {
    private static final long serialVersionUID = 1L;

    double[] params;
    double[][] state;
    long samples;
    int maxSteps;
    long maxComputeNanos;
    int workers;
    LocalTrainer.Trackers.State trackers;
    final List<String> problems = new ArrayList<>();
    final List<Integer> badPartitions = new ArrayList<>();

    /** Adds one worker's result (results must be added in partition order). */
    void add(WorkerResult r, int epoch, int round) {
        maxComputeNanos = Math.max(maxComputeNanos, r.computeNanos);
        if (!r.finite()) {
            StringBuilder m = new StringBuilder("partition ").append(r.partition).append(", epoch ").append(epoch + 1)
                    .append(", round ").append(round + 1).append(": ");
            if (r.nonFiniteLoss) {
                m.append("loss ").append(r.badLoss).append(" at step ").append(r.badStep).append(" of the epoch");
            } else {
                m.append("parameter #").append(r.nonFiniteParam).append(" is ").append(r.params[r.nonFiniteParam]);
            }
            problems.add(m.toString());
            badPartitions.add(r.partition);
            return;
        }
        if (r.samples == 0) {
            return;
        }
        workers++;
        double w = r.samples;
        if (params == null) {
            params = new double[r.params.length];
            state = new double[r.optimizerState.length][];
            for (int i = 0; i < state.length; i++) {
                state[i] = new double[r.optimizerState[i].length];
            }
        }
        addScaled(params, r.params, w);
        for (int i = 0; i < state.length; i++) {
            addScaled(state[i], r.optimizerState[i], w);
        }
        samples += r.samples;
        maxSteps = Math.max(maxSteps, r.steps);
        trackers = plus(trackers, r.trackers);
    }

    /** Adds another partial sum (of later partitions). */
    void add(RoundSum o) {
        maxComputeNanos = Math.max(maxComputeNanos, o.maxComputeNanos);
        problems.addAll(o.problems);
        badPartitions.addAll(o.badPartitions);
        if (o.samples == 0) {
            return;
        }
        workers += o.workers;
        if (params == null) {
            params = o.params.clone();
            state = new double[o.state.length][];
            for (int i = 0; i < state.length; i++) {
                state[i] = o.state[i].clone();
            }
        } else {
            for (int i = 0; i < params.length; i++) {
                params[i] += o.params[i];
            }
            for (int k = 0; k < state.length; k++) {
                for (int i = 0; i < state[k].length; i++) {
                    state[k][i] += o.state[k][i];
                }
            }
        }
        samples += o.samples;
        maxSteps = Math.max(maxSteps, o.maxSteps);
        trackers = plus(trackers, o.trackers);
    }

    private static void addScaled(double[] acc, float[] v, double w) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += w * v[i];
        }
    }

    /** The weighted mean of the parameters, as floats. */
    float[] meanParams() {
        float[] out = new float[params.length];
        meanInto(params, out);
        return out;
    }

    /** Writes the weighted mean of optimizer state array {@code i} into {@code out}. */
    void meanStateInto(int i, float[] out) {
        meanInto(state[i], out);
    }

    int stateArrays() {
        return state.length;
    }

    private void meanInto(double[] sum, float[] out) {
        double n = samples;
        for (int i = 0; i < sum.length; i++) {
            out[i] = (float) (sum[i] / n);
        }
    }

    List<String> problems() {
        return problems;
    }

    /** The element-wise sum of two tracker states (either may be null). */
    static LocalTrainer.Trackers.State plus(LocalTrainer.Trackers.State a, LocalTrainer.Trackers.State b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        double[] out = a.outputLossSums().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += b.outputLossSums()[i];
        }
        double[][] ms = new double[a.metricStates().length][];
        for (int k = 0; k < ms.length; k++) {
            ms[k] = a.metricStates()[k].clone();
            for (int i = 0; i < ms[k].length; i++) {
                ms[k][i] += b.metricStates()[k][i];
            }
        }
        return new LocalTrainer.Trackers.State(a.lossSum() + b.lossSum(), out, a.samples() + b.samples(), ms);
    }
}
