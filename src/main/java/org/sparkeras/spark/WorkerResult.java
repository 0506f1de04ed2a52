package org.sparkeras.spark;

import java.io.Serializable;
import org.sparkeras.training.LocalTrainer;

/**
 * What one partition sends back after a round: the samples and steps it trained, its replica's
 * parameters and optimizer state (null when it trained nothing), its loss and metric sums, and
 * what went wrong, if anything. The driver weights the parameters by {@code samples}.
 */
final class WorkerResult implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final long samples;
    final int steps;
    final float[] params;
    final float[][] optimizerState;
    final LocalTrainer.Trackers.State trackers;
    /** The loss of the step that was not finite (the step was not applied), or NaN-free 0. */
    final boolean nonFiniteLoss;
    final double badLoss;
    final int badStep;
    /** The first non-finite parameter index, or -1. */
    final int nonFiniteParam;
    final long computeNanos;

    WorkerResult(int partition, long samples, int steps, float[] params, float[][] optimizerState,
            LocalTrainer.Trackers.State trackers, boolean nonFiniteLoss, double badLoss, int badStep, int nonFiniteParam,
            long computeNanos) {
        this.partition = partition;
        this.samples = samples;
        this.steps = steps;
        this.params = params;
        this.optimizerState = optimizerState;
        this.trackers = trackers;
        this.nonFiniteLoss = nonFiniteLoss;
        this.badLoss = badLoss;
        this.badStep = badStep;
        this.nonFiniteParam = nonFiniteParam;
        this.computeNanos = computeNanos;
    }

    boolean finite() {
        return !nonFiniteLoss && nonFiniteParam < 0;
    }
}
