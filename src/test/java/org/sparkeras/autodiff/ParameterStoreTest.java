package org.sparkeras.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;

class ParameterStoreTest {
    private static final double EXACT = 1e-12;

    private Variable a, b, c;

    /** a [2, 3] trainable, b [3] frozen, c [2, 2] trainable: 13 values, runs [0, 6) and [9, 13). */
    private ParameterStore store() {
        a = new Variable("a", Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}), true);
        b = new Variable("b", Nd4j.createFromArray(new double[] {7, 8, 9}), false);
        c = new Variable("c", Nd4j.createFromArray(new double[][] {{10, 11}, {12, 13}}), true);
        return new ParameterStore(List.of(a, b, c), DataType.DOUBLE);
    }

    private static double[] run(long[] r) {
        return new double[] {r[0], r[1]};
    }

    @Test
    void packingKeepsValuesAndShapes() {
        ParameterStore s = store();
        assertEquals(13, s.length());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, Host.toDoubles(s.values()), EXACT);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, Host.toDoubles(a.value()), EXACT);
        assertArrayEquals(new long[] {2, 3}, a.value().shape());
        assertArrayEquals(new double[] {7, 8, 9}, Host.toDoubles(b.value()), EXACT);
        assertArrayEquals(new long[] {2, 2}, c.value().shape());
        assertEquals(12.0, c.value().getDouble(1, 0), EXACT);
        assertEquals(List.of(a, b, c), s.variables());
    }

    @Test
    void viewsAreLive() {
        ParameterStore s = store();
        s.values().putScalar(0, 42);
        s.values().putScalar(12, -1);
        assertEquals(42.0, a.value().getDouble(0, 0), EXACT);
        assertEquals(-1.0, c.value().getDouble(1, 1), EXACT);
        b.assign(Nd4j.createFromArray(new double[] {-7, -8, -9}));
        assertArrayEquals(new double[] {-7, -8, -9}, Host.toDoubles(s.values().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 9))), EXACT);
        s.grads().putScalar(10, 3.5);
        assertEquals(3.5, c.grad().getDouble(0, 1), EXACT);
    }

    @Test
    void backwardWritesIntoTheFlatGradient() {
        // c is the weight of a linear map: its gradient is written by BLAS straight into its slice
        // of the flat vector, which starts at offset 9.
        store();
        Variable bias = new Variable("bias", Nd4j.createFromArray(new double[] {0.5, -0.5}), true);
        ParameterStore withBias = new ParameterStore(List.of(a, b, c, bias), DataType.DOUBLE);
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        try (Tape tape = new Tape().begin()) {
            Tensor y = Ops.linear(Tensor.constant(x), c.read(), bias.read());
            Tensor loss = Ops.add(Ops.sum(y), Ops.sum(Ops.square(a.read())));
            tape.backward(loss, withBias.trainableVariables());
        }
        // d/dc sum(x·c + bias) = x^T · ones = column sums of x per row of c; d/dbias = 3 per unit.
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12, 0, 0, 0, 9, 9, 12, 12, 3, 3},
                Host.toDoubles(withBias.grads()), EXACT);
        assertArrayEquals(new double[] {9, 9, 12, 12}, Host.toDoubles(c.grad()), EXACT);
    }

    @Test
    void trainableRunsSkipAFrozenVariableInTheMiddle() {
        ParameterStore s = store();
        assertEquals(2, s.trainableRuns().size());
        assertArrayEquals(new double[] {0, 6}, run(s.trainableRuns().get(0)), 0);
        assertArrayEquals(new double[] {9, 13}, run(s.trainableRuns().get(1)), 0);
        assertEquals(List.of(a, c), s.trainableVariables());
    }

    @Test
    void adjacentTrainableVariablesFormOneRun() {
        Variable x = new Variable("x", Nd4j.zeros(DataType.DOUBLE, 2), true);
        Variable y = new Variable("y", Nd4j.zeros(DataType.DOUBLE, 3), true);
        Variable z = new Variable("z", Nd4j.zeros(DataType.DOUBLE, 4), false);
        ParameterStore s = new ParameterStore(List.of(x, y, z), DataType.DOUBLE);
        assertEquals(1, s.trainableRuns().size());
        assertArrayEquals(new double[] {0, 5}, run(s.trainableRuns().get(0)), 0);
    }

    @Test
    void matchesDetectsAChangedTrainableFlag() {
        ParameterStore s = store();
        assertTrue(s.matches(List.of(a, b, c)));
        b.setTrainable(true);
        assertFalse(s.matches(List.of(a, b, c)), "b became trainable");
        b.setTrainable(false);
        assertTrue(s.matches(List.of(a, b, c)));
        c.setTrainable(false);
        assertFalse(s.matches(List.of(a, b, c)), "c was frozen");
        c.setTrainable(true);
        assertFalse(s.matches(List.of(a, c, b)), "another order");
        assertFalse(s.matches(List.of(a, b)), "a variable less");
    }

    @Test
    void floatStore() {
        Variable f = new Variable("f", Nd4j.createFromArray(new float[] {1.5f, -2.5f}), true);
        ParameterStore s = new ParameterStore(List.of(f), DataType.FLOAT);
        assertEquals(DataType.FLOAT, s.values().dataType());
        assertArrayEquals(new double[] {1.5, -2.5}, Host.toDoubles(f.value()), 0);
    }
}
