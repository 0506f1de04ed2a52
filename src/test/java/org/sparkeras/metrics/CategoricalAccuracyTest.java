package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class CategoricalAccuracyTest {
    private static final double[][] ONE_HOT = {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 0}};

    @Test
    void fractionOfArgmaxAgreementsWeightedAndStreamed() {
        var m = new CategoricalAccuracy();
        m.updateState(Nd4j.createFromArray(ONE_HOT), Nd4j.createFromArray(SparseCategoricalAccuracyTest.PROBS), null);
        assertEquals(0.75, m.result(), 0);
        m.updateState(Nd4j.createFromArray(new double[][] {{0, 1, 0}, {0, 0, 1}}),
                Nd4j.createFromArray(new double[][] {{0.1, 0.8, 0.1}, {0.6, 0.3, 0.1}}), Nd4j.createFromArray(new double[] {2, 2}));
        assertEquals((3 + 2) / 8.0, m.result(), 1e-15);
        m.resetState();
        assertEquals(0.0, m.result());
    }

    @Test
    void softTargetsUseTheirArgmax() {
        var m = new CategoricalAccuracy();
        m.updateState(Nd4j.createFromArray(new double[][] {{0.1, 0.7, 0.2}, {0.5, 0.2, 0.3}}),
                Nd4j.createFromArray(new double[][] {{0.2, 0.5, 0.3}, {0.2, 0.5, 0.3}}), null);
        assertEquals(0.5, m.result(), 0);
    }

    @Test
    void nameAndConfig() {
        assertEquals("categorical_accuracy", new CategoricalAccuracy().name());
        assertEquals(Map.of("name", "categorical_accuracy"), new CategoricalAccuracy().getConfig());
    }
}
