package org.sparkeras.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.testing.GradientCheck;

class MeanAbsoluteErrorTest {
    @Test
    void matchesKeras() {
        var loss = new MeanAbsoluteError();
        INDArray y = Nd4j.createFromArray(MeanSquaredErrorTest.Y);
        INDArray p = Nd4j.createFromArray(MeanSquaredErrorTest.P);
        assertArrayEquals(new double[] {0.75, 1.1, 1.25}, loss.perSample(y, p), 1e-12);
        assertEquals(1.0333333333333334, loss.call(y, Tensor.constant(p), null).value().getDouble(0), 1e-12);
    }

    @Test
    void gradientAwayFromZeroErrors() {
        INDArray y = Nd4j.createFromArray(MeanSquaredErrorTest.Y);
        GradientCheck.check("mae", in -> new MeanAbsoluteError().call(y, in.get(0), Nd4j.createFromArray(new double[] {1, 2, 3})),
                Nd4j.createFromArray(new double[][] {{1.5, 1}, {0.2, -3}, {3.5, 5.5}}));
    }

    @Test
    void config() {
        assertEquals(Map.of(), new MeanAbsoluteError().getConfig());
        assertEquals("mean_absolute_error", new MeanAbsoluteError().name());
    }
}
