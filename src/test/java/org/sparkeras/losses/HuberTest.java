package org.sparkeras.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.testing.GradientCheck;

class HuberTest {
    private static final INDArray Y = Nd4j.createFromArray(MeanSquaredErrorTest.Y);
    private static final INDArray P = Nd4j.createFromArray(MeanSquaredErrorTest.P);

    @Test
    void matchesKerasWithTheDefaultDelta() {
        var loss = new Huber();
        assertArrayEquals(new double[] {0.3125, 0.76, 1.0}, loss.perSample(Y, P), 1e-12);
        assertEquals(0.6908333333333333, loss.call(Y, Tensor.constant(P), null).value().getDouble(0), 1e-12);
    }

    @Test
    void matchesKerasWithDeltaTwo() {
        assertArrayEquals(new double[] {0.3125, 1.01, 1.5}, new Huber(2.0).perSample(Y, P), 1e-12);
        assertEquals(0.9408333333333333, new Huber().delta(2.0).call(Y, Tensor.constant(P), null).value().getDouble(0),
                1e-12);
    }

    @Test
    void gradientInBothRegions() {
        // errors 0.5, -1, 0.2, -2, 0, 2.5 cover both parts; the loss is continuously differentiable at |e| = delta
        GradientCheck.check("huber", in -> new Huber().call(Y, in.get(0), Nd4j.createFromArray(new double[] {1, 2, 3})), P);
        GradientCheck.check("huber delta 2", in -> new Huber(2.0).call(Y, in.get(0), null),
                Nd4j.createFromArray(new double[][] {{1.5, 1}, {0.2, -3.5}, {3.1, 5.5}}));
    }

    @Test
    void deltaMustBePositive() {
        assertEquals("Loss \"huber\": delta must be positive and finite, received -1.0",
                assertThrows(IllegalArgumentException.class, () -> new Huber(-1)).getMessage());
        assertEquals("Loss \"huber\": delta must be positive and finite, received NaN",
                assertThrows(IllegalArgumentException.class, () -> new Huber().delta(Double.NaN)).getMessage());
    }

    @Test
    void config() {
        assertEquals(Map.of("delta", 1.0), new Huber().getConfig());
        assertEquals(Map.of("delta", 2.5), new Huber(2.5).getConfig());
        assertEquals("huber", new Huber().name());
    }
}
