package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamaxTest {
    @Test
    void matchesKeras() {
        new OptimizerFixture().run(new Adamax(0.1), 3).assertValues(
                new float[] {0.358220816f, -0.863766909f, 1.31533957f, 1.87786222f},
                new float[] {-0.345126331f, 0.0490587093f});
    }

    @Test
    void defaultsAreKeras() {
        Adamax opt = new Adamax();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("learning_rate", 0.001);
        expected.put("clipnorm", null);
        expected.put("clipvalue", null);
        expected.put("global_clipnorm", null);
        expected.put("beta_1", 0.9);
        expected.put("beta_2", 0.999);
        expected.put("epsilon", 1e-7);
        assertEquals(expected, opt.getConfig());
        assertEquals("adamax", opt.name());
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertEquals("adamax: beta_1 must be in [0, 1), received 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adamax().beta1(1)).getMessage());
        assertEquals("adamax: beta_2 must be in [0, 1], received 1.5",
                assertThrows(IllegalArgumentException.class, () -> new Adamax().beta2(1.5)).getMessage());
        assertEquals("adamax: epsilon must be a positive number, received Infinity",
                assertThrows(IllegalArgumentException.class, () -> new Adamax().epsilon(Double.POSITIVE_INFINITY))
                        .getMessage());
    }
}
