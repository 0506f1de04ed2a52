package org.sparkeras.data;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch: an array per model input, an array per model output (targets; empty for prediction)
 * and optional per-sample weights.
 */
public record Batch(List<INDArray> x, List<INDArray> y, INDArray sampleWeight) {
    /** The number of samples in the batch. */
    public int size() {
        return x.isEmpty() ? 0 : (int) x.get(0).size(0);
    }
}
