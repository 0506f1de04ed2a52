package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class SGDTest {
    @Test
    void plainSgdMatchesKeras() {
        new OptimizerFixture().run(new SGD(0.1), 3).assertValues(
                new float[] {0.493000001f, -0.989000022f, 1.49000001f, 1.98000002f},
                new float[] {-0.450000018f, 0.214000002f});
    }

    @Test
    void defaultsAreKeras() {
        SGD opt = new SGD();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("learning_rate", 0.01);
        expected.put("clipnorm", null);
        expected.put("clipvalue", null);
        expected.put("global_clipnorm", null);
        expected.put("momentum", 0.0);
        expected.put("nesterov", false);
        assertEquals(expected, opt.getConfig());
        assertEquals("sgd", opt.name());
        new OptimizerFixture().run(opt, 1).assertValues(
                new float[] {0.499000013f, -0.998000026f, 1.49699998f, 1.99600005f},
                new float[] {-0.493999988f, 0.249500006f});
    }

    @Test
    void momentumMatchesKeras() {
        new OptimizerFixture().run(new SGD(0.1).momentum(0.9), 3).assertValues(
                new float[] {0.480399996f, -0.963800013f, 1.42069995f, 1.93859994f},
                new float[] {-0.365399987f, 0.204549998f});
    }

    @Test
    void nesterovMatchesKeras() {
        new OptimizerFixture().run(new SGD(0.1).momentum(0.9).nesterov(true), 3).assertValues(
                new float[] {0.475360006f, -0.956420004f, 1.41863f, 1.92474008f},
                new float[] {-0.328860015f, 0.173095003f});
    }

    @Test
    void momentumSwitchedOnAfterTheFirstStepStartsFromZeroVelocity() {
        OptimizerFixture f = new OptimizerFixture();
        SGD opt = new SGD(0.1);
        f.step(opt, 0);
        opt.momentum(0.9);
        f.step(opt, 1);
        f.step(opt, 2);
        f.assertValues(new float[] {0.497500002f, -0.998000026f, 1.472f, 2.00699997f},
                new float[] {-0.467999995f, 0.213100001f});
    }

    @Test
    void fastPathIsTakenOnlyWithoutMomentumAndClipping() {
        OptimizerFixture f = new OptimizerFixture();
        f.store.grads().assign(Nd4j.createFromArray(OptimizerFixture.GRADS[0]));
        double[] before = f.values();
        assertFalse(new SGD(0.1).momentum(0.5).applyFast(f.store));
        assertFalse(new SGD(0.1).clipnorm(1.0).applyFast(f.store));
        assertFalse(new SGD(0.1).clipvalue(1.0).applyFast(f.store));
        assertFalse(new SGD(0.1).globalClipnorm(1.0).applyFast(f.store));
        assertEquals(Arrays.toString(before), Arrays.toString(f.values()), "a declined fast path must not write");
        assertTrue(new SGD(0.1).applyFast(f.store));
        f.assertValues(new float[] {0.49000001f, -0.980000019f, 1.47000003f, 1.96000004f},
                new float[] {-0.439999998f, 0.245000005f});
    }

    @Test
    void fastPathMatchesHostPathInFloat() {
        assertFastMatchesHost(DataType.FLOAT, 1e-7);
    }

    @Test
    void fastPathMatchesHostPathInDouble() {
        // the host path computes updates in float32 (the optimizer state's precision), the fast path in double
        assertFastMatchesHost(DataType.DOUBLE, 1e-7);
    }

    private static void assertFastMatchesHost(DataType type, double tolerance) {
        // a clipvalue no gradient reaches forces the host path without changing the update
        OptimizerFixture fast = new OptimizerFixture(type).run(new SGD(0.1), 3);
        OptimizerFixture host = new OptimizerFixture(type).run(new SGD(0.1).clipvalue(1e6), 3);
        double[] x = fast.values(), y = host.values();
        for (int i = 0; i < x.length; i++) {
            assertEquals(y[i], x[i], tolerance, "element " + i);
        }
        fast.assertValues(new float[] {0.493000001f, -0.989000022f, 1.49000001f, 1.98000002f},
                new float[] {-0.450000018f, 0.214000002f});
    }

    @Test
    void invalidMomentumIsRejected() {
        assertEquals("sgd: momentum must be in [0, 1], received 1.5",
                assertThrows(IllegalArgumentException.class, () -> new SGD().momentum(1.5)).getMessage());
        assertEquals("sgd: momentum must be in [0, 1], received -0.1",
                assertThrows(IllegalArgumentException.class, () -> new SGD().momentum(-0.1)).getMessage());
        assertEquals("sgd: momentum must be in [0, 1], received NaN",
                assertThrows(IllegalArgumentException.class, () -> new SGD().momentum(Double.NaN)).getMessage());
        assertEquals(1.0, new SGD().momentum(1.0).getConfig().get("momentum"));
    }
}
