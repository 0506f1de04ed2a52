package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MeanSquaredErrorTest {
    static final INDArray Y = Nd4j.createFromArray(new double[][] {{1, 2}, {0, -1}, {3, 3}});
    static final INDArray P = Nd4j.createFromArray(new double[][] {{1.5, 1}, {0.2, -3}, {3, 5.5}});
    static final INDArray W = Nd4j.createFromArray(new double[] {1, 2, 3});

    @Test
    void weightedMeanOfPerSampleErrors() {
        var m = new MeanSquaredError();
        m.updateState(Y, P, null);
        assertEquals(1.9233333333333331, m.result(), 1e-12);
        m.resetState();
        m.updateState(Y, P, W);
        assertEquals(2.34, m.result(), 1e-12);
    }

    @Test
    void streamsAcrossBatches() {
        var m = new MeanSquaredError("mse");
        m.updateState(Y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup(),
                P.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup(), null);
        assertEquals(0.625, m.result(), 1e-12);
        m.updateState(Y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3)).dup(),
                P.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3)).dup(), null);
        assertEquals(1.9233333333333331, m.result(), 1e-12);
        assertEquals("mse", m.name());
    }
}
