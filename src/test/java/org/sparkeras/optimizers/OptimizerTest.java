package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared behaviour of {@link Optimizer}: clipping, frozen variables, argument checks. */
class OptimizerTest {
    @Test
    void clipnormRescalesEachVariableSeparately() {
        // step 1: both a (norm 0.548) and c (0.602) are rescaled to 0.5 on their own; steps 2-3 are below 0.5
        new OptimizerFixture().run(new SGD(1.0).clipnorm(0.5), 3).assertValues(
                new float[] {0.438712895f, -0.907425821f, 1.42613864f, 1.83485162f},
                new float[] {-0.101727121f, -0.101522759f});
    }

    @Test
    void clipvalueClipsEachElement() {
        new OptimizerFixture().run(new SGD(1.0).clipvalue(0.25), 3).assertValues(
                new float[] {0.430000007f, -0.890000045f, 1.29999995f, 1.89999998f},
                new float[] {-0.349999994f, -0.0600000024f});
    }

    @Test
    void globalClipnormRescalesAllTrainableGradientsTogether() {
        // the frozen variable's gradients (5.0) do not count towards the global norm
        new OptimizerFixture().run(new SGD(1.0).globalClipnorm(0.5), 3).assertValues(
                new float[] {0.469343305f, -0.96752739f, 1.5002557f, 1.95814586f},
                new float[] {-0.235286862f, -0.0791229755f});
    }

    @Test
    void frozenVariableInTheMiddleIsUntouchedAndItsNeighboursUpdated() {
        OptimizerFixture f = new OptimizerFixture();
        assertEquals(2, f.store.trainableRuns().size());
        assertArrayEquals(new long[] {0, 4}, f.store.trainableRuns().get(0));
        assertArrayEquals(new long[] {7, 9}, f.store.trainableRuns().get(1));
        for (Optimizer opt : List.of(new SGD(0.1), new SGD(0.1).momentum(0.9), new Adam(0.1), new RMSprop(0.01),
                new Adagrad(0.1), new Adamax(0.1), new Nadam(0.1))) {
            OptimizerFixture g = new OptimizerFixture().run(opt, 2);
            double[] v = g.values();
            assertArrayEquals(new double[] {1, 2, 3}, new double[] {v[4], v[5], v[6]}, 0.0, opt.name());
            assertArrayEquals(new double[] {1, 2, 3}, g.b.value().toDoubleVector(), 0.0, opt.name());
            for (int i : new int[] {0, 1, 2, 3}) {
                assertTrue(Math.abs(v[i] - OptimizerFixture.A0[i]) > 1e-4, opt.name() + " a[" + i + "] moved");
            }
            for (int i : new int[] {0, 1}) {
                assertTrue(Math.abs(v[7 + i] - OptimizerFixture.C0[i]) > 1e-4, opt.name() + " c[" + i + "] moved");
            }
        }
    }

    @Test
    void onlyOneKindOfClippingCanBeSet() {
        assertEquals("sgd: only one of clipnorm, clipvalue and global_clipnorm can be set, received clipnorm=1.0, "
                + "clipvalue=0.5, global_clipnorm=null",
                assertThrows(IllegalArgumentException.class, () -> new SGD().clipnorm(1.0).clipvalue(0.5))
                        .getMessage());
        assertEquals("adam: only one of clipnorm, clipvalue and global_clipnorm can be set, received clipnorm=null, "
                + "clipvalue=0.5, global_clipnorm=2.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam().clipvalue(0.5).globalClipnorm(2.0))
                        .getMessage());
        // replacing the value of the one kind that is set is fine
        assertEquals(2.0, new SGD().clipnorm(1.0).clipnorm(2.0).getConfig().get("clipnorm"));
    }

    @Test
    void invalidClippingAndLearningRateAreRejected() {
        assertEquals("sgd: clipnorm must be a positive number, received 0.0",
                assertThrows(IllegalArgumentException.class, () -> new SGD().clipnorm(0)).getMessage());
        assertEquals("rmsprop: clipvalue must be a positive number, received -1.0",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop().clipvalue(-1)).getMessage());
        assertEquals("nadam: global_clipnorm must be a positive number, received NaN",
                assertThrows(IllegalArgumentException.class, () -> new Nadam().globalClipnorm(Double.NaN))
                        .getMessage());
        assertEquals("sgd: learning_rate must be a finite non-negative number, received -0.1",
                assertThrows(IllegalArgumentException.class, () -> new SGD(-0.1)).getMessage());
        Adam adam = new Adam();
        assertEquals("adam: learning_rate must be a finite non-negative number, received NaN",
                assertThrows(IllegalArgumentException.class, () -> adam.setLearningRate(Double.NaN)).getMessage());
        adam.setLearningRate(0.5);
        assertEquals(0.5, adam.learningRate());
    }
}
