package org.sparkeras.optimizers.schedules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.optimizers.Adam;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.optimizers.SGD;

/** Expected values: the Keras formulas evaluated with python3 in float64. */
class LearningRateScheduleTest {
    private static final double TOL = 1e-15;

    private static void assertAt(LearningRateSchedule s, long[] steps, double[] expected) {
        for (int i = 0; i < steps.length; i++) {
            assertEquals(expected[i], s.at(steps[i]), TOL, "step " + steps[i]);
        }
    }

    @Test
    void exponentialDecay() {
        assertAt(new ExponentialDecay(0.1, 10, 0.5), new long[] {0, 1, 5, 10, 25},
                new double[] {0.1, 0.09330329915368074, 0.07071067811865477, 0.05, 0.01767766952966369});
    }

    @Test
    void exponentialDecayStaircase() {
        assertAt(new ExponentialDecay(0.1, 10, 0.5).staircase(true), new long[] {0, 9, 10, 25},
                new double[] {0.1, 0.1, 0.05, 0.025});
    }

    @Test
    void piecewiseConstantIncludesEachBoundaryInTheInterval() {
        PiecewiseConstantDecay s = new PiecewiseConstantDecay(new long[] {3, 7}, new double[] {1.0, 0.5, 0.1});
        assertAt(s, new long[] {0, 3, 4, 7, 8, 1000}, new double[] {1.0, 1.0, 0.5, 0.5, 0.1, 0.1});
    }

    @Test
    void cosineDecayWithoutWarmup() {
        assertAt(new CosineDecay(0.1, 10), new long[] {0, 3, 5, 10, 20},
                new double[] {0.1, 0.07938926261462366, 0.05, 0.0, 0.0});
        assertAt(new CosineDecay(0.1, 10).alpha(0.2), new long[] {0, 3, 10, 20},
                new double[] {0.1, 0.08351141009169893, 0.020000000000000004, 0.020000000000000004});
    }

    @Test
    void cosineDecayWithWarmup() {
        CosineDecay s = new CosineDecay(0.0, 10).alpha(0.1).warmupTarget(0.2).warmupSteps(4);
        assertAt(s, new long[] {0, 1, 3, 4, 7, 14, 30},
                new double[] {0.0, 0.05, 0.15000000000000002, 0.2, 0.16290067270632258, 0.020000000000000004,
                    0.020000000000000004});
    }

    @Test
    void configsHaveKerasNamesAndDefaults() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("initial_learning_rate", 0.1);
        e.put("decay_steps", 10L);
        e.put("alpha", 0.0);
        e.put("name", "CosineDecay");
        e.put("warmup_target", null);
        e.put("warmup_steps", 0L);
        assertEquals(e, new CosineDecay(0.1, 10).getConfig());
        assertEquals(Map.of("initial_learning_rate", 0.1, "decay_steps", 10L, "decay_rate", 0.5, "staircase", false,
                "name", "ExponentialDecay"), new ExponentialDecay(0.1, 10, 0.5).getConfig());
        assertEquals(Map.of("boundaries", List.of(3L), "values", List.of(1.0, 0.5), "name", "PiecewiseConstant"),
                new PiecewiseConstantDecay(new long[] {3}, new double[] {1.0, 0.5}).getConfig());
        Map<String, Object> ser = new ExponentialDecay(0.1, 10, 0.5).serialize();
        assertEquals("keras.optimizers.schedules", ser.get("module"));
        assertEquals("ExponentialDecay", ser.get("class_name"));
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(0.1, 0, 0.5));
        assertEquals("ExponentialDecay: argument `decay_steps` must be > 0, received decay_steps=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0.1, -3));
        assertEquals("CosineDecay: argument `decay_steps` must be > 0, received decay_steps=-3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PiecewiseConstantDecay(new long[] {3, 7}, new double[] {1.0, 0.5}));
        assertEquals("PiecewiseConstant: the length of boundaries should be 1 less than the length of values, received "
                + "boundaries=[3, 7] of length 2, and values=[1.0, 0.5] of length 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PiecewiseConstantDecay(new long[] {7, 3}, new double[] {1.0, 0.5, 0.1}));
        assertEquals("PiecewiseConstant: boundaries must be strictly increasing, received [7, 3]", e.getMessage());
    }

    // ---------------------------------------------------------------- optimizer with a schedule

    private static final float[][] GRADS = {{0.5f, -1.0f}, {0.25f, 0.75f}, {1.0f, 1.0f}};
    /** w after each step of w -= lr_t * g with lr_t = 0.1 * 0.5^t, t the iterations before the step. */
    private static final float[][] EXPECTED = {
        {0.949999988079071f, -1.899999976158142f},
        {0.9375f, -1.9375f},
        {0.9125000238418579f, -1.962499976158142f},
    };

    private static void runSgd(Optimizer opt) {
        Variable w = new Variable("dense/kernel", Nd4j.createFromArray(1.0f, -2.0f), true);
        ParameterStore store = new ParameterStore(List.of(w), DataType.FLOAT);
        double[] lrs = {0.1, 0.05, 0.025};
        for (int t = 0; t < 3; t++) {
            assertEquals(lrs[t], opt.learningRate(), 1e-17, "learning rate before step " + t);
            store.grads().assign(Nd4j.createFromArray(GRADS[t]));
            opt.apply(store);
            assertEquals(t + 1, opt.iterations());
            assertArrayEquals(EXPECTED[t], store.values().toFloatVector(), 1e-7f, "after step " + t);
        }
        assertEquals(0.0125, opt.learningRate(), 1e-17);
    }

    @Test
    void sgdFastPathUsesTheScheduledRateOfTheIterationsBeforeTheStep() {
        runSgd(new SGD(0.5).learningRate(new ExponentialDecay(0.1, 1, 0.5)));
    }

    @Test
    void sgdHostPathUsesTheScheduledRateOfTheIterationsBeforeTheStep() {
        // a clipvalue that never clips sends the update through update() instead of the BLAS fast path
        runSgd(new SGD(0.5).clipvalue(100.0).learningRate(new ExponentialDecay(0.1, 1, 0.5)));
    }

    @Test
    void aScheduledRateCannotBeSetAndIsSerializedInTheConfig() {
        Optimizer opt = new Adam().learningRate(new PiecewiseConstantDecay(new long[] {1}, new double[] {0.1, 0.01}));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.setLearningRate(0.5));
        assertTrue(e.getMessage().startsWith("adam: the learning rate comes from the schedule PiecewiseConstantDecay"),
                e.getMessage());
        @SuppressWarnings("unchecked")
        Map<String, Object> lr = (Map<String, Object>) opt.getConfig().get("learning_rate");
        assertEquals("PiecewiseConstantDecay", lr.get("class_name"));
        assertEquals(List.of(0.1, 0.01), ((Map<?, ?>) lr.get("config")).get("values"));
    }

    @Test
    void aScheduleGivingANegativeRateFailsTheUpdate() {
        Optimizer opt = new SGD().learningRate(new ExponentialDecay(-0.1, 1, 0.5));
        Variable w = new Variable("w", Nd4j.createFromArray(1.0f), true);
        ParameterStore store = new ParameterStore(List.of(w), DataType.FLOAT);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.apply(store));
        assertTrue(e.getMessage().contains("gave learning_rate -0.1 at step 0, expected a finite non-negative number"),
                e.getMessage());
    }
}
