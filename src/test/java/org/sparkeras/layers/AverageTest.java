package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkeras.backend.Host;

class AverageTest {

    @Test
    void mergeChecks() {
        MergeChecks.of(Average::new, new long[] {3}, new long[] {3}, new long[] {3}).run();
    }

    @Test
    void mergeChecksThreeRank3Inputs() {
        MergeChecks.of(Average::new, new long[] {2, 3}, new long[] {2, 3}, new long[] {2, 3}, new long[] {2, 3}).run();
    }

    @Test
    void averagesElementWise() {
        double[] y = Host.toDoubles(new Average().apply(List.of(MergeChecks.rows(new double[] {1, 2}, new double[] {3, 4}),
                MergeChecks.rows(new double[] {10, 20}, new double[] {30, 40}),
                MergeChecks.rows(new double[] {0.5, -1}, new double[] {0, 1})), false).value());
        assertArrayEquals(new double[] {11.5 / 3, 7, 11, 15}, y, 1e-15);
    }

    @Test
    void differentShapesAreRejected() {
        Average layer = new Average().named("average_shapes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.computeOutputShape(List.of(new long[] {3}, new long[] {3}, new long[] {4})));
        assertEquals("Layer \"average_shapes\" (Average) expects inputs of the same shape, received shapes (None, 3), (None, 3), "
                + "(None, 4)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> layer.apply(List.of(MergeChecks.rows(new double[] {1, 2}),
                MergeChecks.rows(new double[] {1, 2, 3})), false));
        assertEquals(false, layer.isBuilt(), "a rejected call leaves the layer unbuilt");
    }

    @Test
    void defaultConfig() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "average_7");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        assertEquals(expected, new Average().named("average_7").getConfig());
    }
}
