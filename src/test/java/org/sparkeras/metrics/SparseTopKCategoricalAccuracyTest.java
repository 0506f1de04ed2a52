package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class SparseTopKCategoricalAccuracyTest {
    @Test
    void topTwoCountsTiesAsInside() {
        var m = new SparseTopKCategoricalAccuracy().k(2);
        m.updateState(Nd4j.createFromArray(TopKCategoricalAccuracyTest.LABELS),
                Nd4j.createFromArray(TopKCategoricalAccuracyTest.PROBS), null);
        assertEquals(0.75, m.result(), 0);
    }

    @Test
    void weightedStreamingResetAndOutOfRangeLabels() {
        var m = new SparseTopKCategoricalAccuracy().k(2);
        m.updateState(Nd4j.createFromArray(new float[][] {{3}, {3}, {4}, {2}}),
                Nd4j.createFromArray(TopKCategoricalAccuracyTest.PROBS), Nd4j.createFromArray(new double[] {1, 0, 1, 2}));
        assertEquals(2 / 4.0, m.result(), 1e-15);
        // a label outside [0, classes) never matches
        m.updateState(Nd4j.createFromArray(new float[] {5, -1}),
                Nd4j.createFromArray(new double[][] {{0.2, 0.2, 0.2, 0.2, 0.2}, {0.2, 0.2, 0.2, 0.2, 0.2}}), null);
        assertEquals(2 / 6.0, m.result(), 1e-15);
        m.resetState();
        assertEquals(0.0, m.result());
    }

    @Test
    void defaultsAreKeras() {
        assertEquals(Map.of("name", "sparse_top_k_categorical_accuracy", "k", 5),
                new SparseTopKCategoricalAccuracy().getConfig());
    }
}
