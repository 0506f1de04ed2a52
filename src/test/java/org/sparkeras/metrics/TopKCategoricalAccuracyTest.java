package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TopKCategoricalAccuracyTest {
    static final double[][] PROBS = {
        {0.1, 0.2, 0.3, 0.25, 0.15}, {0.5, 0.1, 0.1, 0.2, 0.1}, {0.2, 0.2, 0.2, 0.2, 0.2}, {0.05, 0.05, 0.1, 0.3, 0.5}};
    static final int[] LABELS = {3, 3, 4, 2};

    static INDArray oneHot(int[] labels, int classes) {
        double[][] y = new double[labels.length][classes];
        for (int i = 0; i < labels.length; i++) {
            y[i][labels[i]] = 1;
        }
        return Nd4j.createFromArray(y);
    }

    @Test
    void topTwoCountsTiesAsInside() {
        var m = new TopKCategoricalAccuracy().k(2);
        m.updateState(oneHot(LABELS, 5), Nd4j.createFromArray(PROBS), null);
        // row 2 is a five-way tie (inside), row 3's label is third
        assertEquals(0.75, m.result(), 0);
    }

    @Test
    void defaultFiveOfFiveClassesAlwaysHits() {
        var m = new TopKCategoricalAccuracy();
        m.updateState(oneHot(LABELS, 5), Nd4j.createFromArray(PROBS), null);
        assertEquals(1.0, m.result(), 0);
    }

    @Test
    void weightedStreamingAndReset() {
        var m = new TopKCategoricalAccuracy().k(1);
        m.updateState(oneHot(LABELS, 5), Nd4j.createFromArray(PROBS), Nd4j.createFromArray(new double[] {1, 1, 1, 5}));
        // k = 1: rows 0, 1, 3 miss, row 2 (all tied) hits
        assertEquals(1 / 8.0, m.result(), 1e-15);
        m.updateState(oneHot(new int[] {0}, 5), Nd4j.createFromArray(new double[][] {{0.9, 0, 0, 0, 0.1}}), null);
        assertEquals(2 / 9.0, m.result(), 1e-15);
        m.resetState();
        assertEquals(0.0, m.result());
    }

    @Test
    void kMustBePositive() {
        assertEquals("Metric \"top_k_categorical_accuracy\": k must be at least 1, received 0",
                assertThrows(IllegalArgumentException.class, () -> new TopKCategoricalAccuracy().k(0)).getMessage());
    }

    @Test
    void config() {
        assertEquals(Map.of("name", "top3", "k", 3), new TopKCategoricalAccuracy("top3").k(3).getConfig());
    }
}
