package org.sparkeras.training;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.callbacks.History;
import org.sparkeras.data.Dataset;
import org.sparkeras.models.Model;

/**
 * Runs {@code fit}, {@code evaluate} and {@code predict} for a compiled model. {@link LocalTrainer}
 * runs them in one JVM; a distributed trainer runs the same per-batch work on partitions.
 */
public interface Trainer {
    /** Trains on {@code train}, validating on {@code validation} (may be null) after each epoch. */
    History fit(Model model, Dataset train, Dataset validation, Fit options);

    /** The loss (total, and per output) and the metrics over every batch of {@code data}. */
    Map<String, Double> evaluate(Model model, Dataset data);

    /** The model's outputs for every sample of {@code x}, one array per output. */
    List<INDArray> predict(Model model, List<INDArray> x, int batchSize);
}
