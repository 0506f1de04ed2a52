package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SparseCategoricalAccuracyTest {
    static final double[][] PROBS = {{0.7, 0.2, 0.1}, {0.1, 0.3, 0.6}, {0.25, 0.25, 0.5}, {0.05, 0.9, 0.05}};
    static final float[] LABELS = {0, 2, 1, 1};

    @Test
    void fractionOfArgmaxHits() {
        var m = new SparseCategoricalAccuracy();
        m.updateState(Nd4j.createFromArray(LABELS), Nd4j.createFromArray(PROBS), null);
        assertEquals(0.75, m.result(), 0);
    }

    @Test
    void weightedStreamingAndReset() {
        var m = new SparseCategoricalAccuracy();
        m.updateState(Nd4j.createFromArray(LABELS), Nd4j.createFromArray(PROBS), Nd4j.createFromArray(new double[] {1, 2, 0.5, 0}));
        assertEquals(3 / 3.5, m.result(), 1e-15);
        m.updateState(Nd4j.createFromArray(new int[][] {{1}, {2}}),
                Nd4j.createFromArray(new float[][] {{0.1f, 0.8f, 0.1f}, {0.6f, 0.3f, 0.1f}}), null);
        assertEquals(4 / 5.5, m.result(), 1e-15);
        m.resetState();
        assertEquals(0.0, m.result());
        m.updateState(Nd4j.createFromArray(new float[] {2}), Nd4j.createFromArray(new double[][] {{0, 0, 1}}), null);
        assertEquals(1.0, m.result());
    }

    @Test
    void tiesGoToTheFirstClassAndSequencesAverageTheirSteps() {
        var m = new SparseCategoricalAccuracy();
        m.updateState(Nd4j.createFromArray(new float[] {1}), Nd4j.createFromArray(new double[][] {{0.4, 0.4, 0.2}}), null);
        assertEquals(0.0, m.result());
        m.resetState();
        // sample 0 hits 2 of 2 steps, sample 1 hits 1 of 2; weights 1 and 3
        INDArray p = Nd4j.createFromArray(PROBS).reshape(2, 2, 3);
        m.updateState(Nd4j.createFromArray(new float[][] {{0, 2}, {1, 1}}), p, Nd4j.createFromArray(new double[] {1, 3}));
        assertEquals((1 * 1.0 + 3 * 0.5) / 4, m.result(), 1e-15);
    }

    @Test
    void mismatchedTargetsNameTheMetricAndShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SparseCategoricalAccuracy()
                .updateState(Nd4j.createFromArray(PROBS), Nd4j.createFromArray(PROBS), null));
        assertEquals("Metric \"sparse_categorical_accuracy\": targets of shape (4, 3) do not match predictions of "
                + "shape (4, 3)", e.getMessage());
        var w = assertThrows(IllegalArgumentException.class, () -> new SparseCategoricalAccuracy()
                .updateState(Nd4j.createFromArray(LABELS), Nd4j.createFromArray(PROBS), Nd4j.createFromArray(new double[] {1})));
        assertEquals("Metric \"sparse_categorical_accuracy\": sample weights of shape (1,) do not match 4 samples; "
                + "expected one weight per sample, shape (4,)", w.getMessage());
    }

    @Test
    void nameAndConfig() {
        assertEquals("sparse_categorical_accuracy", new SparseCategoricalAccuracy().name());
        assertEquals(Map.of("name", "acc"), new SparseCategoricalAccuracy("acc").getConfig());
    }
}
