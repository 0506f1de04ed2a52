package org.sparkeras.regularizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.testing.GradientCheck;

class RegularizersTest {
    /** sum |w| = 10, sum w^2 = 30. */
    private static final INDArray W = Nd4j.createFromArray(new double[][] {{1, -2}, {3, -4}});

    private static double penalty(Regularizer r, INDArray w) {
        return r.penalty(Tensor.constant(w)).value().getDouble(0);
    }

    @Test
    void penalties() {
        assertEquals(0.1, penalty(new L1(), W), 1e-15);
        assertEquals(0.3, penalty(new L2(), W), 1e-15);
        assertEquals(0.5, penalty(new L1(0.05), W), 1e-15);
        assertEquals(7.0, penalty(new L1L2(0.1, 0.2), W), 1e-14);
        assertEquals(3.0, penalty(new L1L2(0, 0.1), W), 1e-14);
        assertEquals(0.0, penalty(new L1L2(0, 0), W), 0);
        assertEquals(0, new L1L2(0, 0).penalty(Tensor.constant(W)).rank(), "a scalar even when zero");
    }

    @Test
    void floatPenalty() {
        Tensor p = new L2(0.5).penalty(Tensor.constant(W.castTo(DataType.FLOAT)));
        assertEquals(DataType.FLOAT, p.dtype());
        assertEquals(15.0, p.value().getDouble(0), 1e-6);
    }

    @Test
    void gradients() {
        INDArray w = Nd4j.createFromArray(new double[][] {{0.5, -1.5, 0.25}, {-0.75, 2, -0.3}});
        GradientCheck.check("l1", in -> new L1(0.3).penalty(in.get(0)), w);
        GradientCheck.check("l2", in -> new L2(0.3).penalty(in.get(0)), w);
        GradientCheck.check("l1_l2", in -> new L1L2(0.2, 0.7).penalty(in.get(0)), w);
    }

    @Test
    void namesDefaultsAndConfigs() {
        assertEquals("l1", Regularizer.get("l1").name());
        assertEquals(Map.of("l1", 0.01), Regularizer.get("l1").getConfig());
        assertEquals(Map.of("l2", 0.01), Regularizer.get("l2").getConfig());
        assertEquals(Map.of("l1", 0.0, "l2", 0.0), Regularizer.get("l1_l2").getConfig());
        assertEquals(Map.of("l1", 0.1, "l2", 0.2), new L1L2(0.1, 0.2).getConfig());
        assertEquals("l1_l2", new L1L2(0.1, 0.2).name());
        assertEquals(0.01, Regularizer.get("L2").l2(), 0);
        assertEquals(0.0, Regularizer.get("L2").l1(), 0);
    }

    @Test
    void negativeFactorsAreRejected() {
        assertEquals("l2: factors must be non-negative, received l1=0.0, l2=-0.1",
                assertThrows(IllegalArgumentException.class, () -> new L2(-0.1)).getMessage());
        assertEquals("l1_l2: factors must be non-negative, received l1=NaN, l2=0.0",
                assertThrows(IllegalArgumentException.class, () -> new L1L2(Double.NaN, 0)).getMessage());
    }
}
