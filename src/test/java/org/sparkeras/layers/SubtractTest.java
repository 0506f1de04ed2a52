package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;

class SubtractTest {

    @Test
    void mergeChecks() {
        MergeChecks.of(Subtract::new, new long[] {4}, new long[] {4}, new long[] {4}).run();
    }

    @Test
    void mergeChecksRank3() {
        MergeChecks.of(Subtract::new, new long[] {2, 2}, new long[] {2, 2}, new long[] {2, 2}).run();
    }

    @Test
    void subtractsTheSecondFromTheFirst() {
        double[] y = Host.toDoubles(new Subtract().apply(List.of(MergeChecks.rows(new double[] {1, 2}, new double[] {3, 4}),
                MergeChecks.rows(new double[] {10, 20}, new double[] {-30, 0.5})), false).value());
        assertArrayEquals(new double[] {-9, -18, 33, 3.5}, y, 0);
    }

    @Test
    void exactlyTwoInputs() {
        Subtract layer = new Subtract().named("subtract_three");
        Tensor x = MergeChecks.rows(new double[] {1, 2});
        assertEquals("Layer \"subtract_three\" (Subtract) expects exactly 2 inputs, received 3",
                assertThrows(IllegalArgumentException.class, () -> layer.apply(List.of(x, x, x), false)).getMessage());
        assertEquals("Layer \"subtract_three\" (Subtract) expects exactly 2 inputs, received 3",
                assertThrows(IllegalArgumentException.class,
                        () -> layer.computeOutputShape(List.of(new long[] {2}, new long[] {2}, new long[] {2}))).getMessage());
    }

    @Test
    void differentShapesAreRejected() {
        Subtract layer = new Subtract().named("subtract_shapes");
        assertEquals("Layer \"subtract_shapes\" (Subtract) expects inputs of the same shape, received shapes (None, 2, 3), "
                + "(None, 3, 2)", assertThrows(IllegalArgumentException.class,
                        () -> layer.computeOutputShape(List.of(new long[] {2, 3}, new long[] {3, 2}))).getMessage());
    }
}
