package org.sparkeras.callbacks;

import java.util.Map;
import org.sparkeras.models.Model;

/**
 * A set of hooks called by the training loop, as Keras's {@code Callback}. Every hook does nothing
 * by default. {@code logs} hold the current metrics by Keras key ("loss", "accuracy", "val_loss").
 * Epochs and batches are 0-based, as in Keras.
 */
public abstract class Callback {
    protected Model model;
    protected Map<String, Object> params = Map.of();

    /** Called by the loop before training with the model being trained. */
    public void setModel(Model model) {
        this.model = model;
    }

    /** Called by the loop with the run's parameters: epochs, steps, verbose. */
    public void setParams(Map<String, Object> params) {
        this.params = params;
    }

    public void onTrainBegin(Map<String, Double> logs) {}

    public void onTrainEnd(Map<String, Double> logs) {}

    public void onEpochBegin(int epoch, Map<String, Double> logs) {}

    public void onEpochEnd(int epoch, Map<String, Double> logs) {}

    public void onTrainBatchBegin(int batch, Map<String, Double> logs) {}

    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {}

    public void onTestBegin(Map<String, Double> logs) {}

    public void onTestEnd(Map<String, Double> logs) {}

    public void onTestBatchBegin(int batch, Map<String, Double> logs) {}

    public void onTestBatchEnd(int batch, Map<String, Double> logs) {}

    public void onPredictBegin(Map<String, Double> logs) {}

    public void onPredictEnd(Map<String, Double> logs) {}

    /** A point of a training run: a 0-based epoch and the number of its batches already trained. */
    public record Position(int epoch, int batch) {
        public Position {
            if (epoch < 0 || batch < 0) {
                throw new IllegalArgumentException("A training position needs epoch >= 0 and batch >= 0, received epoch "
                        + epoch + ", batch " + batch);
            }
        }
    }

    /**
     * Where the run must start instead of {@code Fit.initialEpoch}, or null (the default) to leave
     * it. Asked by the loop once, right after {@link #onTrainBegin}; {@link BackupAndRestore} uses
     * it to resume an interrupted run.
     */
    public Position resumePosition() {
        return null;
    }

    /** Whether the loop must compute logs after every batch for this callback (progress bars do). */
    public boolean wantsBatchLogs() {
        return false;
    }
}
