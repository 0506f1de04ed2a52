package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkeras.backend.Host;

class AddTest {

    @Test
    void mergeChecks() {
        MergeChecks.of(Add::new, new long[] {3}, new long[] {3}, new long[] {3}).run();
    }

    @Test
    void mergeChecksThreeRank3Inputs() {
        MergeChecks.of(Add::new, new long[] {2, 3}, new long[] {2, 3}, new long[] {2, 3}, new long[] {2, 3}).run();
    }

    @Test
    void addsElementWise() {
        double[] y = Host.toDoubles(new Add().apply(List.of(MergeChecks.rows(new double[] {1, 2}, new double[] {3, 4}),
                MergeChecks.rows(new double[] {10, 20}, new double[] {30, 40}),
                MergeChecks.rows(new double[] {0.5, -1}, new double[] {0, 1})), false).value());
        assertArrayEquals(new double[] {11.5, 21, 33, 45}, y, 0);
    }

    @Test
    void differentShapesAreRejected() {
        Add layer = new Add().named("add_shapes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.computeOutputShape(List.of(new long[] {3}, new long[] {3}, new long[] {4})));
        assertEquals("Layer \"add_shapes\" (Add) expects inputs of the same shape, received shapes (None, 3), (None, 3), "
                + "(None, 4)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> layer.apply(List.of(MergeChecks.rows(new double[] {1, 2}),
                MergeChecks.rows(new double[] {1, 2, 3})), false));
        assertEquals(false, layer.isBuilt(), "a rejected call leaves the layer unbuilt");
    }

    @Test
    void defaultConfig() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "add_7");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        assertEquals(expected, new Add().named("add_7").getConfig());
    }
}
