package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.testing.LayerHarness;

class InputLayerTest {

    @Test
    void harness() {
        LayerHarness.of(() -> new InputLayer(3), 3).run();
    }

    @Test
    void harnessRank3() {
        LayerHarness.of(() -> new InputLayer(2, 3), 2, 3).run();
    }

    @Test
    void passesItsInputThrough() {
        Tensor x = Tensor.constant(Nd4j.zeros(DataType.FLOAT, 5, 4));
        assertSame(x, new InputLayer(4).apply(x, false));
    }

    @Test
    void inputNamesShapeAndType() {
        Names.reset();
        Input in = Input.of(28, 28);
        assertEquals("input_layer", in.name());
        assertArrayEquals(new long[] {28, 28}, in.shape());
        assertArrayEquals(new long[] {28, 28}, in.layer().shape());
        assertEquals(DataType.FLOAT, in.dtype());
        assertEquals("<KerasTensor name=input_layer, shape=(None, 28, 28), dtype=float32>", in.toString());
        assertEquals("input_layer_1", Input.of(3).name());
        Input wide = Input.of("wide_input", DataType.DOUBLE, 5);
        assertEquals("wide_input", wide.layer().name());
        assertEquals(DataType.DOUBLE, wide.layer().dtype());
        assertEquals("<KerasTensor name=wide_input, shape=(None, 5), dtype=float64>", wide.toString());
    }

    @Test
    void declaresItsInputShape() {
        InputLayer l = new InputLayer(28, 28);
        assertArrayEquals(new long[] {28, 28}, l.declaredInputShape());
        assertEquals(Arrays.asList(null, 28L, 28L), l.getConfig().get("batch_input_shape"));
        assertEquals(List.of(), l.weights());
    }

    @Test
    void needsAShape() {
        assertEquals("InputLayer needs a shape, e.g. new InputLayer(28, 28)",
                assertThrows(IllegalArgumentException.class, () -> new InputLayer()).getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new InputLayer(28, 0).named("in"));
        assertEquals(true, e.getMessage().endsWith("input_shape dimensions must be positive, received [28, 0]"), e.getMessage());
    }
}
