package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tape;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Host;

class MaximumTest {

    @Test
    void mergeChecks() {
        MergeChecks.of(Maximum::new, new long[] {3}, new long[] {3}, new long[] {3}).run();
    }

    @Test
    void mergeChecksThreeRank3Inputs() {
        MergeChecks.of(Maximum::new, new long[] {2, 3}, new long[] {2, 3}, new long[] {2, 3}, new long[] {2, 3}).run();
    }

    @Test
    void maximumElementWise() {
        double[] y = Host.toDoubles(new Maximum().apply(List.of(MergeChecks.rows(new double[] {1, 2}, new double[] {3, 4}),
                MergeChecks.rows(new double[] {10, 20}, new double[] {30, 40}),
                MergeChecks.rows(new double[] {0.5, -1}, new double[] {0, 1})), false).value());
        assertArrayEquals(new double[] {10, 20, 30, 40}, y, 1e-15);
    }

    @Test
    void differentShapesAreRejected() {
        Maximum layer = new Maximum().named("maximum_shapes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.computeOutputShape(List.of(new long[] {3}, new long[] {3}, new long[] {4})));
        assertEquals("Layer \"maximum_shapes\" (Maximum) expects inputs of the same shape, received shapes (None, 3), (None, 3), "
                + "(None, 4)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> layer.apply(List.of(MergeChecks.rows(new double[] {1, 2}),
                MergeChecks.rows(new double[] {1, 2, 3})), false));
        assertEquals(false, layer.isBuilt(), "a rejected call leaves the layer unbuilt");
    }

    @Test
    void tiesSendTheGradientToTheFirstInput() {
        Variable a = new Variable("a", Nd4j.createFromArray(new double[][] {{1, 2, 0}}), true);
        Variable b = new Variable("b", Nd4j.createFromArray(new double[][] {{1, 3, 0}}), true);
        Variable c = new Variable("c", Nd4j.createFromArray(new double[][] {{0, 3, 0}}), true);
        Maximum layer = new Maximum();
        try (Tape tape = new Tape().begin()) {
            Tensor y = layer.apply(List.of(a.read(), b.read(), c.read()), false);
            assertArrayEquals(new double[] {1, 3, 0}, Host.toDoubles(y.value()), 0);
            tape.backward(Ops.sum(y), List.of(a, b, c));
        }
        assertArrayEquals(new double[] {1, 0, 1}, Host.toDoubles(a.grad()), 0);
        assertArrayEquals(new double[] {0, 1, 0}, Host.toDoubles(b.grad()), 0);
        assertArrayEquals(new double[] {0, 0, 0}, Host.toDoubles(c.grad()), 0);
    }

    @Test
    void defaultConfig() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "maximum_7");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        assertEquals(expected, new Maximum().named("maximum_7").getConfig());
    }
}
