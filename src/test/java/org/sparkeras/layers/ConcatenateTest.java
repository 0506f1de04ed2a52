package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;
import org.sparkeras.models.Model;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Compile;

class ConcatenateTest {

    @Test
    void mergeChecksLastAxis() {
        MergeChecks.of(Concatenate::new, new long[] {5}, new long[] {3}, new long[] {2}).run();
    }

    @Test
    void mergeChecksThreeInputsAlongAxis1OfRank3() {
        MergeChecks.of(() -> new Concatenate(1), new long[] {6, 2}, new long[] {1, 2}, new long[] {2, 2}, new long[] {3, 2})
                .run();
    }

    @Test
    void mergeChecksLastAxisOfRank3() {
        MergeChecks.of(() -> new Concatenate(-1), new long[] {2, 7}, new long[] {2, 3}, new long[] {2, 4}).run();
    }

    @Test
    void mergeChecksNegativeMiddleAxis() {
        MergeChecks.of(() -> new Concatenate(-2), new long[] {3, 2}, new long[] {1, 2}, new long[] {2, 2}).run();
    }

    @Test
    void joinsAlongTheAxis() {
        Tensor a = MergeChecks.rows(new double[] {1, 2}, new double[] {3, 4});
        Tensor b = MergeChecks.rows(new double[] {5}, new double[] {6});
        Tensor y = new Concatenate().apply(List.of(a, b), false);
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertArrayEquals(new double[] {1, 2, 5, 3, 4, 6}, Host.toDoubles(y.value()), 0);
        Tensor c = Tensor.constant(Nd4j.createFromArray(1.0, 2, 3, 4).reshape(1, 2, 2));
        Tensor d = Tensor.constant(Nd4j.createFromArray(5.0, 6).reshape(1, 1, 2));
        Tensor z = new Concatenate(1).apply(List.of(c, d), false);
        assertArrayEquals(new long[] {1, 3, 2}, z.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, Host.toDoubles(z.value()), 0);
    }

    @Test
    void mismatchedShapesAreRejected() {
        Concatenate layer = new Concatenate().named("concat_shapes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.computeOutputShape(List.of(new long[] {2, 3}, new long[] {4, 3})));
        assertEquals("Layer \"concat_shapes\" (Concatenate) expects inputs with matching shapes except for the "
                + "concatenation axis -1, received input shapes (None, 2, 3), (None, 4, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> layer.computeOutputShape(List.of(new long[] {3}, new long[] {2, 4})));
        assertEquals("Layer \"concat_shapes\" (Concatenate) expects inputs with matching shapes except for the "
                + "concatenation axis -1, received input shapes (None, 3), (None, 2, 4)", e.getMessage());
    }

    @Test
    void axisOutOfRangeAndTheBatchAxisAreRejected() {
        Concatenate layer = new Concatenate(2).named("concat_axis");
        assertEquals("Layer \"concat_axis\" (Concatenate): axis 2 is out of range for inputs of rank 2: expected an axis "
                + "in [1, 1] or [-1, -1], received input shapes (None, 3), (None, 2)", assertThrows(
                        IllegalArgumentException.class,
                        () -> layer.computeOutputShape(List.of(new long[] {3}, new long[] {2}))).getMessage());
        assertEquals("Concatenate: axis must not be the batch axis 0, received 0",
                assertThrows(IllegalArgumentException.class, () -> new Concatenate(0)).getMessage());
    }

    @Test
    void config() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "concatenate_9");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        expected.put("axis", -1);
        assertEquals(expected, new Concatenate().named("concatenate_9").getConfig());
        assertEquals(1, new Concatenate(1).getConfig().get("axis"));
    }

    @Test
    void wideAndDeepTrainsThroughTheConcatenation() {
        // The Functional example of the design (in FLOAT, the default): the wide input joins the
        // deep path before the output.
        Input wide = Input.of("wide_input", 2);
        Input deep = Input.of("deep_input", 3);
        Dense hidden = new Dense(4, "tanh");
        KerasTensor h = hidden.apply(deep);
        KerasTensor concat = new Concatenate().apply(wide, h);
        assertArrayEquals(new long[] {6}, concat.shape());
        Dense out = new Dense(1);
        Model model = Model.of(List.of(wide, deep), List.of(out.apply(concat)));
        model.compile(Compile.optimizer(new SGD(0.05)).loss("mse"));
        INDArray xWide = MergeChecks.randomBatch(1, 4, new long[] {2}).castTo(DataType.FLOAT);
        INDArray xDeep = MergeChecks.randomBatch(2, 4, new long[] {3}).castTo(DataType.FLOAT);
        INDArray y = Nd4j.createFromArray(new float[][] {{1}, {0}, {-1}, {0.5f}});
        INDArray outKernel = out.kernel().value().dup();
        INDArray hiddenKernel = hidden.kernel().value().dup();
        double loss = model.trainOnBatch(List.of(xWide, xDeep), List.of(y)).get("loss");
        assertTrue(Double.isFinite(loss), "finite loss, received " + loss);
        assertTrue(!outKernel.equals(out.kernel().value()), "the output layer is trained");
        assertTrue(!hiddenKernel.equals(hidden.kernel().value()), "the gradient flows back through the concatenation");
    }
}
