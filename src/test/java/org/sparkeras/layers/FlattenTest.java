package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;
import org.sparkeras.testing.LayerHarness;

class FlattenTest {

    @Test
    void harnessRank3() {
        LayerHarness.of(Flatten::new, 2, 3).expectOutputShape(6).run();
    }

    @Test
    void harnessRank4() {
        LayerHarness.of(Flatten::new, 2, 2, 3).expectOutputShape(12).run();
    }

    @Test
    void harnessAlreadyFlat() {
        LayerHarness.of(Flatten::new, 5).expectOutputShape(5).run();
    }

    @Test
    void keepsCOrder() {
        INDArray x = Nd4j.createFromArray(new double[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
        Tensor y = new Flatten().apply(Tensor.constant(x), false);
        assertArrayEquals(new long[] {2, 4}, y.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, Host.toDoubles(y.value()), 0);
        Tensor flat = Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 3, 4));
        assertSame(flat, new Flatten().apply(flat, false), "rank 2 passes through");
    }

    @Test
    void mnistShape() {
        assertArrayEquals(new long[] {784}, new Flatten().computeOutputShape(new long[] {28, 28}));
    }

    @Test
    void mismatchedInputNamesTheLayer() {
        Flatten f = new Flatten().named("flat");
        f.buildFor(new long[] {2, 3});
        f.buildFor(new long[] {3, 2}); // the same number of values is accepted
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.apply(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 4, 7)), false));
        assertEquals("Input 0 of layer \"flat\" is incompatible: expected shape (None, 2, 3), received (None, 7)", e.getMessage());
    }
}
