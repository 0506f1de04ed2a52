package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class RootMeanSquaredErrorTest {
    @Test
    void rootOfTheAccumulatedMeanNotMeanOfRoots() {
        var m = new RootMeanSquaredError();
        m.updateState(MeanSquaredErrorTest.Y, MeanSquaredErrorTest.P, null);
        assertEquals(1.3868429375143145, m.result(), 1e-12);
        m.resetState();
        m.updateState(MeanSquaredErrorTest.Y, MeanSquaredErrorTest.P, MeanSquaredErrorTest.W);
        assertEquals(1.5297058540778354, m.result(), 1e-12);
        m.resetState();
        m.updateState(Nd4j.createFromArray(new double[] {0}), Nd4j.createFromArray(new double[] {3}), null);
        m.updateState(Nd4j.createFromArray(new double[] {0}), Nd4j.createFromArray(new double[] {4}), null);
        // sqrt((9 + 16) / 2), not (3 + 4) / 2
        assertEquals(Math.sqrt(12.5), m.result(), 1e-15);
        assertEquals("root_mean_squared_error", m.name());
    }
}
