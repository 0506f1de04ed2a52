package org.sparkeras.spark;

import java.io.Serializable;

/**
 * What one averaging round broadcasts: where it is (epoch, round), the flat parameter vector, the
 * optimizer state arrays (empty when not averaged), the optimizer's iteration count and learning
 * rate. Nothing else travels to the workers per round.
 */
final class RoundState implements Serializable {
    private static final long serialVersionUID = 1L;

    final int epoch;
    final int round;
    final float[] params;
    final float[][] optimizerState;
    final long iterations;
    final double learningRate;

    RoundState(int epoch, int round, float[] params, float[][] optimizerState, long iterations, double learningRate) {
        this.epoch = epoch;
        this.round = round;
        this.params = params;
        this.optimizerState = optimizerState;
        this.iterations = iterations;
        this.learningRate = learningRate;
    }
}
