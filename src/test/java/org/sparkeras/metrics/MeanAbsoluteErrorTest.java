package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MeanAbsoluteErrorTest {
    @Test
    void weightedMeanOfPerSampleErrors() {
        var m = new MeanAbsoluteError();
        m.updateState(MeanSquaredErrorTest.Y, MeanSquaredErrorTest.P, null);
        assertEquals(1.0333333333333334, m.result(), 1e-12);
        m.updateState(MeanSquaredErrorTest.Y, MeanSquaredErrorTest.P, MeanSquaredErrorTest.W);
        // both batches: (3.1 + 6.7) / (3 + 6)
        assertEquals(9.8 / 9, m.result(), 1e-12);
        m.resetState();
        m.updateState(MeanSquaredErrorTest.Y, MeanSquaredErrorTest.P, MeanSquaredErrorTest.W);
        assertEquals(1.1166666666666667, m.result(), 1e-12);
        assertEquals("mean_absolute_error", m.name());
    }
}
