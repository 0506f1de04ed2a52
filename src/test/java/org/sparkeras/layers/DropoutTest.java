package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;
import org.sparkeras.testing.LayerHarness;

class DropoutTest {

    @Test
    void harness() {
        LayerHarness.of(() -> new Dropout(0.5, 42L), 4).run();
    }

    @Test
    void harnessUnseededRank3() {
        LayerHarness.of(() -> new Dropout(0.2), 2, 3).run();
    }

    @Test
    void passesThroughAtInference() {
        Tensor x = Tensor.constant(Nd4j.ones(DataType.DOUBLE, 3, 4));
        assertSame(x, new Dropout(0.9).apply(x, false));
        assertSame(x, new Dropout(0.0).apply(x, true), "rate 0 passes through in training too");
    }

    @Test
    void dropsAboutRateAndScalesTheRest() {
        INDArray x = Nd4j.ones(DataType.DOUBLE, 50, 40);
        double[] y = Host.toDoubles(new Dropout(0.25, 1L).apply(Tensor.constant(x), true).value());
        int zeros = 0;
        for (double v : y) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(1 / 0.75, v, 1e-15);
            }
        }
        // 2000 draws at rate 0.25: standard deviation of the count 19.4.
        assertTrue(zeros > 400 && zeros < 600, "zeros " + zeros);
    }

    @Test
    void seededLayersReplayTheSameMasks() {
        Tensor x = Tensor.constant(Nd4j.ones(DataType.DOUBLE, 4, 5));
        Dropout a = new Dropout(0.5, 7L), b = new Dropout(0.5, 7L);
        double[] a1 = Host.toDoubles(a.apply(x, true).value()), a2 = Host.toDoubles(a.apply(x, true).value());
        assertArrayEquals(a1, Host.toDoubles(b.apply(x, true).value()), 0);
        assertArrayEquals(a2, Host.toDoubles(b.apply(x, true).value()), 0);
        assertFalse(Arrays.equals(a1, a2), "each call draws a new mask");
    }

    @Test
    void rateMustBeInRange() {
        assertEquals("Dropout: rate must be in [0, 1), received 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0)).getMessage());
        assertEquals("Dropout: rate must be in [0, 1), received -0.1",
                assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1)).getMessage());
        assertEquals("Dropout: rate must be in [0, 1), received NaN",
                assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN)).getMessage());
    }

    @Test
    void config() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "drop");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        expected.put("rate", 0.3);
        expected.put("seed", 5L);
        assertEquals(expected, new Dropout(0.3, 5L).named("drop").getConfig());
        assertEquals(0.3, new Dropout(0.3).rate());
    }
}
