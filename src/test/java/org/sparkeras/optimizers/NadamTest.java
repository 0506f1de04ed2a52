package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NadamTest {
    @Test
    void matchesKeras() {
        // the fixture has two trainable runs: the momentum product must advance once per step, not per run
        new OptimizerFixture().run(new Nadam(0.1), 3).assertValues(
                new float[] {0.411126107f, -0.925135493f, 1.40294504f, 1.9272908f},
                new float[] {-0.397942781f, 0.00970695354f});
    }

    @Test
    void defaultsAreKeras() {
        Nadam opt = new Nadam();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("learning_rate", 0.001);
        expected.put("clipnorm", null);
        expected.put("clipvalue", null);
        expected.put("global_clipnorm", null);
        expected.put("beta_1", 0.9);
        expected.put("beta_2", 0.999);
        expected.put("epsilon", 1e-7);
        assertEquals(expected, opt.getConfig());
        assertEquals("nadam", opt.name());
        new OptimizerFixture().run(opt, 3).assertValues(
                new float[] {0.499111265f, -0.999251366f, 1.49902952f, 1.99927294f},
                new float[] {-0.498979419f, 0.247597083f});
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertEquals("nadam: beta_1 must be in [0, 1), received -0.5",
                assertThrows(IllegalArgumentException.class, () -> new Nadam().beta1(-0.5)).getMessage());
        assertEquals("nadam: beta_2 must be in [0, 1), received 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Nadam().beta2(1)).getMessage());
        assertEquals("nadam: epsilon must be a positive number, received NaN",
                assertThrows(IllegalArgumentException.class, () -> new Nadam().epsilon(Double.NaN)).getMessage());
    }
}
