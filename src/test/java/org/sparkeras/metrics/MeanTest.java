package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class MeanTest {
    @Test
    void weightedMeanOfValues() {
        var m = new Mean("loss");
        assertEquals(0.0, m.result());
        m.updateState(2.0, 1);
        m.updateState(4.0, 3);
        assertEquals(3.5, m.result(), 0);
        m.resetState();
        assertEquals(0.0, m.result());
        assertEquals("loss", m.name());
    }

    @Test
    void arraysCountOncePerSample() {
        var m = new Mean();
        // per-sample means 1.5 and 4, weights 1 and 3
        m.updateState(null, Nd4j.createFromArray(new double[][] {{1, 2}, {3, 5}}), Nd4j.createFromArray(new double[] {1, 3}));
        assertEquals((1.5 + 12) / 4, m.result(), 1e-15);
        m.updateState(null, Nd4j.createFromArray(new double[] {0, 0}), null);
        assertEquals(13.5 / 6, m.result(), 1e-15);
    }

    @Test
    void config() {
        assertEquals(Map.of("name", "mean"), new Mean().getConfig());
    }
}
