package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BinaryAccuracyTest {
    static final INDArray Y = Nd4j.createFromArray(new double[][] {{0, 1}, {1, 1}, {0, 0}});
    static final INDArray P = Nd4j.createFromArray(new double[][] {{0.2, 0.7}, {0.9, 0.4}, {0.5, 0.05}});

    @Test
    void meanOverTheLastAxisThenOverSamples() {
        var m = new BinaryAccuracy();
        m.updateState(Y, P, null);
        // rows: 2/2, 1/2, 2/2 (0.5 is not above the threshold)
        assertEquals(2.5 / 3, m.result(), 1e-15);
    }

    @Test
    void thresholdAndWeights() {
        var m = new BinaryAccuracy().threshold(0.1);
        m.updateState(Y, P, Nd4j.createFromArray(new double[] {1, 1, 2}));
        // rows: 1/2, 2/2, 1/2
        assertEquals((0.5 + 1 + 2 * 0.5) / 4, m.result(), 1e-15);
    }

    @Test
    void streamingAndVectorTargets() {
        var m = new BinaryAccuracy();
        m.updateState(Nd4j.createFromArray(new float[] {1, 0}), Nd4j.createFromArray(new float[][] {{0.8f}, {0.7f}}), null);
        assertEquals(0.5, m.result(), 0);
        m.updateState(Nd4j.createFromArray(new float[] {0, 0}), Nd4j.createFromArray(new float[][] {{0.1f}, {0.3f}}), null);
        assertEquals(0.75, m.result(), 0);
        m.resetState();
        assertEquals(0.0, m.result());
    }

    @Test
    void thresholdMustBeInsideTheUnitInterval() {
        assertEquals("Metric \"binary_accuracy\": threshold must be in (0, 1), received 1.0",
                assertThrows(IllegalArgumentException.class, () -> new BinaryAccuracy().threshold(1)).getMessage());
    }

    @Test
    void config() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "binary_accuracy");
        expected.put("threshold", 0.5);
        assertEquals(expected, new BinaryAccuracy().getConfig());
    }
}
