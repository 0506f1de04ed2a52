package org.sparkeras.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.testing.GradientCheck;

class MeanSquaredErrorTest {
    static final double[][] Y = {{1, 2}, {0, -1}, {3, 3}};
    static final double[][] P = {{1.5, 1}, {0.2, -3}, {3, 5.5}};

    @Test
    void matchesKeras() {
        var loss = new MeanSquaredError();
        assertArrayEquals(new double[] {0.625, 2.02, 3.125},
                loss.perSample(Nd4j.createFromArray(Y), Nd4j.createFromArray(P)), 1e-12);
        assertEquals(1.9233333333333331,
                loss.call(Nd4j.createFromArray(Y), Tensor.constant(Nd4j.createFromArray(P)), null).value().getDouble(0),
                1e-12);
        assertEquals(3.3333333333333335, loss.call(Nd4j.createFromArray(Y), Tensor.constant(Nd4j.createFromArray(P)),
                Nd4j.createFromArray(new double[] {1, 0, 3})).value().getDouble(0), 1e-12);
    }

    @Test
    void vectorPredictionsAreRowsOfOne() {
        INDArray y = Nd4j.createFromArray(new double[] {1, 2, 3});
        INDArray p = Nd4j.createFromArray(new double[] {1.5, 2, 1});
        assertArrayEquals(new double[] {0.25, 0, 4}, new MeanSquaredError().perSample(y, p), 1e-12);
        assertArrayEquals(new double[] {0.25, 0, 4},
                new MeanSquaredError().perSample(y, p.reshape(3, 1)), 1e-12);
        assertArrayEquals(new double[] {0.25, 0, 4},
                new MeanSquaredError().perSample(y.reshape(3, 1), p), 1e-12);
    }

    @Test
    void gradient() {
        INDArray y = Nd4j.createFromArray(Y);
        GradientCheck.check("mse", in -> new MeanSquaredError().call(y, in.get(0), null), Nd4j.createFromArray(P));
        GradientCheck.check("mse weighted",
                in -> new MeanSquaredError().call(y, in.get(0), Nd4j.createFromArray(new double[] {1, 0, 3})),
                Nd4j.createFromArray(P));
    }

    @Test
    void config() {
        assertEquals(Map.of(), new MeanSquaredError().getConfig());
        assertEquals("mean_squared_error", new MeanSquaredError().name());
    }
}
