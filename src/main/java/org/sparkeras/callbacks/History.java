package org.sparkeras.callbacks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of a fit, as Keras's {@code History}: for every log key ("loss", "accuracy",
 * "val_loss", ...) the value at the end of each epoch, and the list of epochs. {@code fit} returns
 * it.
 */
public class History extends Callback {
    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<Integer> epochs = new ArrayList<>();
    private boolean terminatedOnNaN;

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochs.add(epoch);
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            history.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
    }

    /** Per-key lists of per-epoch values, in insertion order of the keys. */
    public Map<String, List<Double>> history() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        history.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
        return Collections.unmodifiableMap(copy);
    }

    /** The per-epoch values of one key; empty when the key was never logged. */
    public List<Double> get(String key) {
        return Collections.unmodifiableList(history.getOrDefault(key, List.of()));
    }

    /** The 0-based epochs that completed. */
    public List<Integer> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** Whether training stopped because the loss became NaN or infinite. */
    public boolean terminatedOnNaN() {
        return terminatedOnNaN;
    }

    /** Marks the run as stopped by a non-finite loss (set by the training loop). */
    public void markTerminatedOnNaN() {
        this.terminatedOnNaN = true;
    }

    @Override
    public String toString() {
        return "History" + history;
    }
}
