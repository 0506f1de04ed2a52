package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PrecisionTest {
    static final INDArray Y = Nd4j.createFromArray(new double[][] {{0, 1}, {1, 1}, {0, 0}});
    static final INDArray P = Nd4j.createFromArray(new double[][] {{0.2, 0.7}, {0.9, 0.4}, {0.6, 0.05}});

    @Test
    void elementWiseOverAllOutputs() {
        var m = new Precision();
        m.updateState(Y, P, null);
        // predicted positive: (0,1) right, (1,0) right, (2,0) wrong
        assertEquals(2 / 3.0, m.result(), 1e-15);
    }

    @Test
    void sampleWeightsApplyToEveryOutputOfTheSample() {
        var m = new Precision();
        m.updateState(Y, P, Nd4j.createFromArray(new double[] {1, 2, 3}));
        assertEquals(3 / 6.0, m.result(), 1e-15);
    }

    @Test
    void thresholdStreamingAndReset() {
        var m = new Precision().thresholds(0.3);
        m.updateState(Y, P, null);
        // above 0.3: (0,1) tp, (1,0) tp, (1,1) tp, (2,0) fp
        assertEquals(3 / 4.0, m.result(), 1e-15);
        m.updateState(Nd4j.createFromArray(new float[] {0, 0}), Nd4j.createFromArray(new float[][] {{0.9f}, {0.1f}}), null);
        assertEquals(3 / 5.0, m.result(), 1e-15);
        m.resetState();
        assertEquals(0.0, m.result());
    }

    @Test
    void nonZeroTargetsArePositive() {
        var m = new Precision();
        m.updateState(Nd4j.createFromArray(new double[] {2, 0.5}), Nd4j.createFromArray(new double[][] {{0.9}, {0.8}}), null);
        assertEquals(1.0, m.result());
    }

    @Test
    void argumentsAreChecked() {
        assertEquals("Metric \"precision\": thresholds must be in [0, 1], received 1.5",
                assertThrows(IllegalArgumentException.class, () -> new Precision().thresholds(1.5)).getMessage());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Precision().updateState(Nd4j.createFromArray(new double[] {1, 0}), P, null));
        assertEquals("Metric \"precision\": targets of shape (2,) do not match predictions of shape (3, 2)", e.getMessage());
    }

    @Test
    void config() {
        assertEquals(Map.of("name", "precision", "thresholds", 0.5), new Precision().getConfig());
    }
}
