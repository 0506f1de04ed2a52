package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdagradTest {
    @Test
    void matchesKeras() {
        new OptimizerFixture().run(new Adagrad(0.1), 3).assertValues(
                new float[] {0.478803724f, -0.969786525f, 1.45352376f, 1.95559621f},
                new float[] {-0.425816327f, 0.162902102f});
    }

    @Test
    void zeroInitialAccumulatorMatchesKeras() {
        new OptimizerFixture().run(new Adagrad(0.1).initialAccumulatorValue(0.0), 3).assertValues(
                new float[] {0.427112758f, -0.940253735f, 1.41880822f, 1.94038832f},
                new float[] {-0.416005403f, 0.0318046995f});
    }

    @Test
    void defaultsAreKeras() {
        Adagrad opt = new Adagrad();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("learning_rate", 0.001);
        expected.put("clipnorm", null);
        expected.put("clipvalue", null);
        expected.put("global_clipnorm", null);
        expected.put("initial_accumulator_value", 0.1);
        expected.put("epsilon", 1e-7);
        assertEquals(expected, opt.getConfig());
        assertEquals("adagrad", opt.name());
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertEquals("adagrad: initial_accumulator_value must be a finite non-negative number, received -0.5",
                assertThrows(IllegalArgumentException.class, () -> new Adagrad().initialAccumulatorValue(-0.5))
                        .getMessage());
        assertEquals("adagrad: epsilon must be a positive number, received 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Adagrad().epsilon(0)).getMessage());
    }
}
