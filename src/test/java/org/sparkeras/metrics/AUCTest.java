package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AUCTest {
    private static final double[] Y = {0, 1, 1, 0, 1, 0, 0, 1, 1, 0};
    private static final double[] P = {0.12, 0.83, 0.47, 0.51, 0.66, 0.05, 0.47, 0.98, 0.31, 0.2};
    private static final double[] W = {1, 2, 0.5, 1, 1, 3, 1, 1, 0.5, 2};

    private static INDArray column(double[] v) {
        return Nd4j.createFromArray(v).reshape(v.length, 1);
    }

    @Test
    void kerasDocumentationExampleByHand() {
        // thresholds -1e-7, 0.5, 1+1e-7: tp = [2, 1, 0], fp = [2, 0, 0], fn = [0, 1, 2], tn = [0, 2, 2];
        // recall = [1, 0.5, 0], fpr = [1, 0, 0]; auc = (1 - 0) * (1 + 0.5) / 2 + (0 - 0) * (0.5 + 0) / 2 = 0.75
        var m = new AUC().numThresholds(3);
        m.updateState(Nd4j.createFromArray(new float[] {0, 0, 1, 1}), Nd4j.createFromArray(new float[] {0, 0.5f, 0.3f, 0.9f}),
                null);
        assertEquals(0.75, m.result(), 1e-15);
        m.resetState();
        m.updateState(Nd4j.createFromArray(new float[] {0, 0, 1, 1}), Nd4j.createFromArray(new float[] {0, 0.5f, 0.3f, 0.9f}),
                Nd4j.createFromArray(new float[] {1, 0, 0, 1}));
        assertEquals(1.0, m.result(), 1e-15);
    }

    @Test
    void separatedScoresGiveTheExactArea() {
        // 3 of the 4 positive/negative pairs are ordered right
        var m = new AUC();
        m.updateState(column(new double[] {0, 0, 1, 1}), column(new double[] {0.1, 0.4, 0.35, 0.8}), null);
        assertEquals(0.75, m.result(), 1e-12);
    }

    @Test
    void matchesTheKerasAlgorithmWithTiesAndWeights() {
        var m = new AUC();
        m.updateState(column(Y), column(P), null);
        assertEquals(0.86, m.result(), 1e-12);
        m.resetState();
        m.updateState(column(Y), column(P), Nd4j.createFromArray(W));
        assertEquals(0.9562499999999999, m.result(), 1e-12);
        assertEquals(0.95, resultWith(new AUC().summationMethod("minoring")), 1e-12);
        assertEquals(0.9625, resultWith(new AUC().summationMethod("majoring")), 1e-12);
        assertEquals(0.93125, resultWith(new AUC().numThresholds(7)), 1e-12);
    }

    private static double resultWith(AUC m) {
        m.updateState(column(Y), column(P), Nd4j.createFromArray(W));
        return m.result();
    }

    @Test
    void streamsAcrossBatchesAsOneBatch() {
        var m = new AUC();
        m.updateState(column(java.util.Arrays.copyOfRange(Y, 0, 4)), column(java.util.Arrays.copyOfRange(P, 0, 4)),
                Nd4j.createFromArray(java.util.Arrays.copyOfRange(W, 0, 4)));
        m.updateState(column(java.util.Arrays.copyOfRange(Y, 4, 10)), column(java.util.Arrays.copyOfRange(P, 4, 10)),
                Nd4j.createFromArray(java.util.Arrays.copyOfRange(W, 4, 10)));
        assertEquals(0.9562499999999999, m.result(), 1e-12);
        m.resetState();
        assertEquals(0.0, m.result());
    }

    @Test
    void allOutputsArePooledAndWeightedBySample() {
        var m = new AUC();
        m.updateState(PrecisionTest.Y, PrecisionTest.P, Nd4j.createFromArray(new double[] {1, 2, 3}));
        assertEquals(0.8285714285714285, m.result(), 1e-12);
    }

    @Test
    void predictionsOutsideTheUnitIntervalAreClipped() {
        var m = new AUC();
        m.updateState(column(new double[] {0, 1, 0, 1}), column(new double[] {-0.5, 1.5, 0.2, 0.7}), null);
        assertEquals(1.0, m.result(), 1e-12);
    }

    @Test
    void thresholdsAreKeras() {
        assertArrayEquals(new double[] {-1e-7, 0.25, 0.5, 0.75, 1 + 1e-7}, new AUC().numThresholds(5).thresholds(), 1e-16);
        assertEquals(200, new AUC().thresholds().length);
    }

    @Test
    void argumentsAreChecked() {
        assertEquals("Metric \"auc\": num_thresholds must be an integer > 1, received 1",
                assertThrows(IllegalArgumentException.class, () -> new AUC().numThresholds(1)).getMessage());
        assertEquals("Metric \"auc\": summation_method must be one of interpolation, majoring, minoring, received careful",
                assertThrows(IllegalArgumentException.class, () -> new AUC().summationMethod("careful")).getMessage());
    }

    @Test
    void config() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "auc");
        expected.put("num_thresholds", 200);
        expected.put("curve", "ROC");
        expected.put("summation_method", "interpolation");
        assertEquals(expected, new AUC().getConfig());
    }
}
