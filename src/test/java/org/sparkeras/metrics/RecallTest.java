package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class RecallTest {
    @Test
    void elementWiseOverAllOutputs() {
        var m = new Recall();
        m.updateState(PrecisionTest.Y, PrecisionTest.P, null);
        // positive targets: (0,1) found, (1,0) found, (1,1) missed
        assertEquals(2 / 3.0, m.result(), 1e-15);
    }

    @Test
    void weightedStreamingAndReset() {
        var m = new Recall();
        m.updateState(PrecisionTest.Y, PrecisionTest.P, Nd4j.createFromArray(new double[] {1, 2, 3}));
        assertEquals(3 / 5.0, m.result(), 1e-15);
        m.updateState(Nd4j.createFromArray(new float[] {1, 1}), Nd4j.createFromArray(new float[][] {{0.9f}, {0.5f}}),
                Nd4j.createFromArray(new float[] {1, 4}));
        // 0.5 is not above the threshold
        assertEquals(4 / 10.0, m.result(), 1e-15);
        m.resetState();
        assertEquals(0.0, m.result());
    }

    @Test
    void config() {
        assertEquals(Map.of("name", "r", "thresholds", 0.25), new Recall("r").thresholds(0.25).getConfig());
    }
}
