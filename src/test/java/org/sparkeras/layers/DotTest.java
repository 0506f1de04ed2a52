package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;

class DotTest {

    @Test
    void mergeChecks() {
        MergeChecks.of(() -> new Dot(1), new long[] {1}, new long[] {4}, new long[] {4}).run();
    }

    @Test
    void mergeChecksNormalizedWithAxesPair() {
        MergeChecks.of(() -> new Dot(-1, 1).normalize(true), new long[] {1}, new long[] {3}, new long[] {3}).run();
    }

    @Test
    void perSampleDotProduct() {
        Tensor a = MergeChecks.rows(new double[] {1, 2, 3}, new double[] {3, 4, 0});
        Tensor b = MergeChecks.rows(new double[] {4, -5, 6}, new double[] {3, 4, 0});
        Tensor y = new Dot(1).apply(List.of(a, b), false);
        assertArrayEquals(new long[] {2, 1}, y.shape());
        assertArrayEquals(new double[] {12, 25}, Host.toDoubles(y.value()), 0);
    }

    @Test
    void normalizedIsTheCosineSimilarity() {
        Tensor a = MergeChecks.rows(new double[] {1, 2, 3}, new double[] {3, 4, 0}, new double[] {1, 0, 0});
        Tensor b = MergeChecks.rows(new double[] {4, -5, 6}, new double[] {-6, -8, 0}, new double[] {0, 2, 0});
        double[] y = Host.toDoubles(new Dot(-1).normalize(true).apply(List.of(a, b), false).value());
        assertArrayEquals(new double[] {12 / Math.sqrt(14 * 77.0), -1, 0}, y, 1e-15);
    }

    @Test
    void wrongInputsAreRejected() {
        Dot dot = new Dot(1).named("dot_checks");
        assertEquals("Layer \"dot_checks\" (Dot) expects exactly 2 inputs, received 3", assertThrows(
                IllegalArgumentException.class,
                () -> dot.computeOutputShape(List.of(new long[] {2}, new long[] {2}, new long[] {2}))).getMessage());
        assertEquals("Layer \"dot_checks\" (Dot) expects rank-2 inputs (batch, features), received input shapes "
                + "(None, 2, 3), (None, 3)", assertThrows(IllegalArgumentException.class,
                        () -> dot.computeOutputShape(List.of(new long[] {2, 3}, new long[] {3}))).getMessage());
        assertEquals("Layer \"dot_checks\" (Dot) expects equal dimensions along the axes, received 3 (input 0, axis 1) "
                + "and 4 (input 1, axis 1); input shapes (None, 3), (None, 4)", assertThrows(IllegalArgumentException.class,
                        () -> dot.computeOutputShape(List.of(new long[] {3}, new long[] {4}))).getMessage());
        Dot batchAxis = new Dot(0, 1).named("dot_axes");
        assertEquals("Layer \"dot_axes\" (Dot) expects axes 1 or -1 for rank-2 inputs (0 is the batch axis), received "
                + "axes [0, 1]", assertThrows(IllegalArgumentException.class,
                        () -> batchAxis.computeOutputShape(List.of(new long[] {3}, new long[] {3}))).getMessage());
    }

    @Test
    void configKeepsTheAxesAsGiven() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "dot_5");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        expected.put("axes", 1);
        expected.put("normalize", false);
        assertEquals(expected, new Dot(1).named("dot_5").getConfig());
        Map<String, Object> pair = new Dot(-1, 1).normalize(true).getConfig();
        assertEquals(List.of(-1, 1), pair.get("axes"));
        assertEquals(true, pair.get("normalize"));
    }
}
