package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;
import org.sparkeras.testing.LayerHarness;

class ReshapeTest {

    @Test
    void harness() {
        LayerHarness.of(() -> new Reshape(3, 4), 12).expectOutputShape(3, 4).run();
    }

    @Test
    void harnessInferredDimension() {
        LayerHarness.of(() -> new Reshape(-1, 2), 2, 3).expectOutputShape(3, 2).run();
    }

    @Test
    void valuesKeepTheirCOrder() {
        Tensor y = new Reshape(2, 2).apply(Tensor.constant(Nd4j.createFromArray(new double[][] {{1, 2, 3, 4}})), false);
        assertArrayEquals(new long[] {1, 2, 2}, y.shape());
        assertEquals(3.0, y.value().getDouble(0, 1, 0), 0);
        assertArrayEquals(new double[] {1, 2, 3, 4}, Host.toDoubles(y.value()), 0);
    }

    @Test
    void incompatibleInputNamesTheLayer() {
        Reshape r = new Reshape(3, 4).named("reshape");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.apply(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 7)), false));
        assertEquals("Layer \"reshape\" cannot reshape input of shape (None, 7) (7 values per sample) to target shape "
                + "(None, 3, 4)", e.getMessage());
        IllegalArgumentException inferred = assertThrows(IllegalArgumentException.class,
                () -> new Reshape(-1, 4).named("r").computeOutputShape(new long[] {6}));
        assertEquals("Layer \"r\" cannot reshape input of shape (None, 6) (6 values per sample) to target shape (None, None, 4)",
                inferred.getMessage());
    }

    @Test
    void invalidTargetShapes() {
        assertEquals("Reshape: target_shape dimensions must be positive or -1, received [3, 0]",
                assertThrows(IllegalArgumentException.class, () -> new Reshape(3, 0)).getMessage());
        assertEquals("Reshape: target_shape needs at least one dimension and at most one -1, received [-1, -1]",
                assertThrows(IllegalArgumentException.class, () -> new Reshape(-1, -1)).getMessage());
    }

    @Test
    void config() {
        assertEquals(List.of(-1L, 4L), new Reshape(-1, 4).getConfig().get("target_shape"));
    }
}
