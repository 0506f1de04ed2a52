package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RMSpropTest {
    @Test
    void matchesKeras() {
        new OptimizerFixture().run(new RMSprop(0.01), 3).assertValues(
                new float[] {0.477022707f, -0.98156935f, 1.47458851f, 1.98125613f},
                new float[] {-0.47341761f, 0.18060419f});
    }

    @Test
    void centeredWithMomentumMatchesKeras() {
        new OptimizerFixture().run(new RMSprop(0.01).rho(0.8).momentum(0.5).centered(true), 3).assertValues(
                new float[] {0.467883766f, -0.971528292f, 1.4493891f, 1.97255945f},
                new float[] {-0.463793874f, 0.172252104f});
    }

    @Test
    void defaultsAreKeras() {
        RMSprop opt = new RMSprop();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("learning_rate", 0.001);
        expected.put("clipnorm", null);
        expected.put("clipvalue", null);
        expected.put("global_clipnorm", null);
        expected.put("rho", 0.9);
        expected.put("momentum", 0.0);
        expected.put("epsilon", 1e-7);
        expected.put("centered", false);
        assertEquals(expected, opt.getConfig());
        assertEquals("rmsprop", opt.name());
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertEquals("rmsprop: rho must be in [0, 1], received 1.1",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop().rho(1.1)).getMessage());
        assertEquals("rmsprop: momentum must be in [0, 1], received 2.0",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop().momentum(2)).getMessage());
        assertEquals("rmsprop: epsilon must be a positive number, received -1.0",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop().epsilon(-1)).getMessage());
    }
}
