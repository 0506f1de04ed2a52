package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamTest {
    @Test
    void matchesKeras() {
        new OptimizerFixture().run(new Adam(0.1), 3).assertValues(
                new float[] {0.341846734f, -0.849944711f, 1.3002373f, 1.87175989f},
                new float[] {-0.31943652f, -0.0036635967f});
    }

    @Test
    void defaultsAreKeras() {
        Adam opt = new Adam();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("learning_rate", 0.001);
        expected.put("clipnorm", null);
        expected.put("clipvalue", null);
        expected.put("global_clipnorm", null);
        expected.put("beta_1", 0.9);
        expected.put("beta_2", 0.999);
        expected.put("epsilon", 1e-7);
        expected.put("amsgrad", false);
        assertEquals(expected, opt.getConfig());
        assertEquals("adam", opt.name());
        new OptimizerFixture().run(opt, 3).assertValues(
                new float[] {0.49841845f, -0.998499453f, 1.49800229f, 1.99871755f},
                new float[] {-0.498194367f, 0.24746336f});
        assertEquals(3, opt.iterations());
    }

    @Test
    void amsgradDividesByTheRunningMaximumOfV() {
        // with beta_2 = 0.5 v shrinks on the small third gradients, so the maximum differs from v
        new OptimizerFixture().run(new Adam(0.1).beta2(0.5).amsgrad(true), 3).assertValues(
                new float[] {0.346879929f, -0.854202032f, 1.29651749f, 1.87238717f},
                new float[] {-0.330441356f, 0.0224372931f});
        new OptimizerFixture().run(new Adam(0.1).beta2(0.5), 3).assertValues(
                new float[] {0.32779339f, -0.837652981f, 1.29358971f, 1.86622977f},
                new float[] {-0.296062201f, -0.00314748241f});
    }

    @Test
    void clipnormClipsEachVariableBeforeTheUpdate() {
        new OptimizerFixture().run(new Adam(0.1).clipnorm(0.5), 3).assertValues(
                new float[] {0.347480625f, -0.856175363f, 1.30177557f, 1.87884545f},
                new float[] {-0.327667952f, -0.00479099341f});
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertEquals("adam: beta_1 must be in [0, 1), received 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam().beta1(1.0)).getMessage());
        assertEquals("adam: beta_2 must be in [0, 1), received -0.1",
                assertThrows(IllegalArgumentException.class, () -> new Adam().beta2(-0.1)).getMessage());
        assertEquals("adam: epsilon must be a positive number, received 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam().epsilon(0)).getMessage());
        assertEquals("adam: learning_rate must be a finite non-negative number, received -0.001",
                assertThrows(IllegalArgumentException.class, () -> new Adam(-0.001)).getMessage());
    }
}
