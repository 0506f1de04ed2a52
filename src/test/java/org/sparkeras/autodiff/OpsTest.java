package org.sparkeras.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;
import org.sparkeras.layers.Dropout;
import org.sparkeras.testing.GradientCheck;

class OpsTest {
    private static final double EXACT = 1e-12;

    /** Seeded DOUBLE values uniform in [lo, hi). */
    private static INDArray uniform(long seed, double lo, double hi, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return Nd4j.createFromArray(v).reshape('c', shape);
    }

    /** Seeded DOUBLE values with 0.1 <= |v| <= 2, away from the kinks at 0. */
    private static INDArray awayFromZero(long seed, long... shape) {
        INDArray a = uniform(seed, 0.1, 2.0, shape);
        SplittableRandom r = new SplittableRandom(seed + 1000);
        for (long i = 0; i < a.length(); i++) {
            if (r.nextBoolean()) {
                a.putScalar(i, -a.getDouble(i));
            }
        }
        return a;
    }

    private static INDArray m(double[][] rows) {
        return Nd4j.createFromArray(rows);
    }

    private static double[] values(Tensor t) {
        return Host.toDoubles(t.value());
    }

    // ---------------------------------------------------------------- gradient checks

    @Test
    void floatReluKernelMatchesTheNativeDoubleReluInValueAndGradient() {
        double[] xs = {-1.5, -0.25, 0.0, 0.3, 2.0, -3.0, 4.5, 1e-3};
        double[] gs = {0.5, -1.0, 2.0, 3.0, -0.75, 1.25, 0.1, -2.0};
        for (boolean inPlace : new boolean[] {false, true}) {
            double[][] f = reluValueAndGradient(DataType.FLOAT, xs, gs, inPlace);
            double[][] d = reluValueAndGradient(DataType.DOUBLE, xs, gs, inPlace);
            assertArrayEquals(d[0], f[0], 1e-7);
            assertArrayEquals(d[1], f[1], 1e-7);
            assertArrayEquals(new double[] {0, 0, 0, 0.3, 2.0, 0, 4.5, 1e-3}, f[0], 1e-7);
            assertArrayEquals(new double[] {0, 0, 0, 3.0, -0.75, 0, 0.1, -2.0}, f[1], 1e-7);
        }
    }

    private static double[][] reluValueAndGradient(DataType type, double[] xs, double[] gs, boolean inPlace) {
        Variable v = new Variable("x", Nd4j.createFromArray(xs).castTo(type).reshape(2, 4), true);
        try (Tape tape = new Tape().begin()) {
            Tensor y = Ops.relu(Ops.scale(v.read(), 1.0), inPlace);
            double[] value = Host.toDoubles(y.value());
            Tensor loss = Ops.sum(Ops.multiply(y, Tensor.constant(Nd4j.createFromArray(gs).castTo(type).reshape(2, 4))));
            tape.backward(loss, List.of(v));
            return new double[][] {value, Host.toDoubles(v.grad())};
        }
    }

    @Test
    void linearWithBias() {
        GradientCheck.check("linear", in -> Ops.linear(in.get(0), in.get(1), in.get(2)),
                uniform(1, -1, 1, 3, 4), uniform(2, -1, 1, 4, 5), uniform(3, -1, 1, 5));
    }

    @Test
    void linearWithoutBias() {
        GradientCheck.check("linear without bias", in -> Ops.linear(in.get(0), in.get(1), null),
                uniform(4, -1, 1, 3, 4), uniform(5, -1, 1, 4, 2));
    }

    @Test
    void linearOnComputedTensors() {
        // x, w and b produced by other ops, not read from variables: the gradients go through the tape.
        GradientCheck.check("linear of computed tensors",
                in -> Ops.linear(Ops.scale(in.get(0), 1.5), Ops.scale(in.get(1), -2), Ops.scale(in.get(2), 3)),
                uniform(6, -1, 1, 2, 3), uniform(7, -1, 1, 3, 4), uniform(8, -1, 1, 4));
    }

    @Test
    void matmul() {
        GradientCheck.check("matmul", in -> Ops.matmul(in.get(0), in.get(1)),
                uniform(9, -1, 1, 3, 4), uniform(10, -1, 1, 4, 2));
        GradientCheck.check("matmul of computed tensors",
                in -> Ops.matmul(Ops.scale(in.get(0), 2), Ops.tanh(in.get(1))),
                uniform(11, -1, 1, 2, 3), uniform(12, -1, 1, 3, 3));
    }

    @Test
    void arithmetic() {
        INDArray a = uniform(13, -1, 1, 2, 3), b = uniform(14, 0.5, 2, 2, 3);
        GradientCheck.check("add", in -> Ops.add(in.get(0), in.get(1)), a, b);
        GradientCheck.check("subtract", in -> Ops.subtract(in.get(0), in.get(1)), a, b);
        GradientCheck.check("multiply", in -> Ops.multiply(in.get(0), in.get(1)), a, b);
        GradientCheck.check("divide", in -> Ops.divide(in.get(0), in.get(1)), a, b);
        GradientCheck.check("scale", in -> Ops.scale(in.get(0), -2.5), a);
    }

    @Test
    void arithmeticOfATensorWithItself() {
        INDArray a = uniform(15, 0.5, 2, 2, 3);
        GradientCheck.check("x + x", in -> Ops.add(in.get(0), in.get(0)), a);
        GradientCheck.check("x - 2x", in -> Ops.subtract(in.get(0), Ops.scale(in.get(0), 2)), a);
        GradientCheck.check("x * x", in -> Ops.multiply(in.get(0), in.get(0)), a);
        GradientCheck.check("x / x^2", in -> Ops.divide(in.get(0), Ops.square(in.get(0))), a);
    }

    @Test
    void activations() {
        INDArray x = awayFromZero(16, 3, 4);
        GradientCheck.check("relu", in -> Ops.relu(in.get(0), false), x);
        GradientCheck.check("relu in place on a computed tensor", in -> Ops.relu(Ops.scale(in.get(0), 1.0), true), x);
        GradientCheck.check("softmax", in -> Ops.softmax(in.get(0)), x);
        GradientCheck.check("sigmoid", in -> Ops.sigmoid(in.get(0)), x);
        GradientCheck.check("tanh", in -> Ops.tanh(in.get(0)), x);
        GradientCheck.check("elu", in -> Ops.elu(in.get(0), 1.0), x);
        GradientCheck.check("elu alpha 0.5", in -> Ops.elu(in.get(0), 0.5), x);
        GradientCheck.check("selu", in -> Ops.selu(in.get(0)), x);
        GradientCheck.check("gelu exact", in -> Ops.gelu(in.get(0), false), x);
        GradientCheck.check("gelu approximate", in -> Ops.gelu(in.get(0), true), x);
        GradientCheck.check("leaky relu", in -> Ops.leakyRelu(in.get(0), 0.2), x);
        GradientCheck.check("softplus", in -> Ops.softplus(in.get(0)), x);
    }

    @Test
    void softmaxOfRank3OverTheLastAxis() {
        // One gradient element here is 4.8e-4: at the default step rounding alone gives 2e-6 relative
        // error (the numeric estimate), at 1e-5 the largest error is 7e-9.
        GradientCheck.checkWithStep("softmax rank 3", 1e-5, in -> Ops.softmax(in.get(0)), uniform(17, -2, 2, 2, 3, 4));
    }

    @Test
    void elementwiseFunctions() {
        GradientCheck.check("exp", in -> Ops.exp(in.get(0)), uniform(18, -2, 2, 2, 3));
        GradientCheck.check("log", in -> Ops.log(in.get(0)), uniform(19, 0.2, 3, 2, 3));
        GradientCheck.check("square", in -> Ops.square(in.get(0)), uniform(20, -2, 2, 2, 3));
        GradientCheck.check("abs", in -> Ops.abs(in.get(0)), awayFromZero(21, 2, 3));
    }

    @Test
    void reshape() {
        GradientCheck.check("reshape", in -> Ops.multiply(Ops.reshape(in.get(0), 3, 2), Ops.reshape(in.get(0), 3, 2)),
                uniform(22, -1, 1, 2, 3));
        GradientCheck.check("reshape rank 3 to 2", in -> Ops.tanh(Ops.reshape(in.get(0), 4, 6)),
                uniform(23, -1, 1, 2, 3, 4));
    }

    @Test
    void reductions() {
        GradientCheck.check("sum", in -> Ops.sum(in.get(0)), uniform(24, -1, 1, 3, 2));
        GradientCheck.check("mean", in -> Ops.mean(in.get(0)), uniform(25, -1, 1, 3, 2));
        GradientCheck.check("mean of squares", in -> Ops.mean(Ops.square(in.get(0))), uniform(26, -1, 1, 3, 2));
    }

    @Test
    void dropoutGradientWithAFixedMask() {
        GradientCheck.check("dropout", in -> Ops.dropout(in.get(0), 0.4, new SplittableRandom(77)), uniform(27, -1, 1, 4, 5));
    }

    @Test
    void gradientCheckDetectsAWrongDerivative() {
        // Without this the gradient checks above could pass for any backward pass.
        double worst = GradientCheck.maxRelativeError(in -> Ops.elementwise("wrong", in.get(0), v -> v * v, (v, y) -> v),
                uniform(28, 0.5, 1, 2, 2));
        assertTrue(worst > 0.4, "expected a large error, received " + worst);
    }

    // ---------------------------------------------------------------- forward values

    @Test
    void linearForward() {
        Tensor z = Ops.linear(Tensor.constant(m(new double[][] {{1, 2}, {3, -1}})),
                Tensor.constant(m(new double[][] {{1, 0, 2}, {-1, 0.5, 1}})), Tensor.constant(Nd4j.createFromArray(0.5, -1.0, 0.0)));
        assertArrayEquals(new long[] {2, 3}, z.shape());
        assertArrayEquals(new double[] {-0.5, 0, 4, 4.5, -1.5, 5}, values(z), EXACT);
        Tensor noBias = Ops.matmul(Tensor.constant(m(new double[][] {{1, 2}, {3, -1}})),
                Tensor.constant(m(new double[][] {{1, 0, 2}, {-1, 0.5, 1}})));
        assertArrayEquals(new double[] {-1, 1, 4, 4, -0.5, 5}, values(noBias), EXACT);
    }

    @Test
    void linearRejectsMismatchedShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.linear(Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 2, 3)), Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 4, 5)), null));
        assertEquals("linear: cannot multiply x of shape [2, 3] by w of shape [4, 5]", e.getMessage());
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class,
                () -> Ops.add(Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 2, 3)), Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 3, 2))));
        assertEquals("add: shapes differ, [2, 3] and [3, 2]", add.getMessage());
    }

    @Test
    void arithmeticForward() {
        Tensor a = Tensor.constant(m(new double[][] {{1, -2}, {3, 4}}));
        Tensor b = Tensor.constant(m(new double[][] {{2, 4}, {-1, 0.5}}));
        assertArrayEquals(new double[] {3, 2, 2, 4.5}, values(Ops.add(a, b)), EXACT);
        assertArrayEquals(new double[] {-1, -6, 4, 3.5}, values(Ops.subtract(a, b)), EXACT);
        assertArrayEquals(new double[] {2, -8, -3, 2}, values(Ops.multiply(a, b)), EXACT);
        assertArrayEquals(new double[] {0.5, -0.5, -3, 8}, values(Ops.divide(a, b)), EXACT);
        assertArrayEquals(new double[] {-0.5, 1, -1.5, -2}, values(Ops.scale(a, -0.5)), EXACT);
        assertEquals(6.0, Ops.sum(a).value().getDouble(0), EXACT);
        assertEquals(1.5, Ops.mean(a).value().getDouble(0), EXACT);
        assertEquals(0, Ops.sum(a).rank());
    }

    @Test
    void softmaxForward() {
        // numpy: e = np.exp(x); e / e.sum(1, keepdims=True)
        Tensor y = Ops.softmax(Tensor.constant(m(new double[][] {{1, 2, 3}, {-1, 0, 1}})));
        double[] row = {0.09003057317038046, 0.24472847105479767, 0.6652409557748219};
        assertArrayEquals(new double[] {row[0], row[1], row[2], row[0], row[1], row[2]}, values(y), EXACT);
    }

    @Test
    void elementwiseForward() {
        Tensor x = Tensor.constant(Nd4j.createFromArray(new double[] {0.5, 2, 4}));
        assertArrayEquals(new double[] {1.6487212707001282, 7.38905609893065, 54.598150033144236}, values(Ops.exp(x)), EXACT);
        assertArrayEquals(new double[] {-0.6931471805599453, 0.6931471805599453, 1.3862943611198906}, values(Ops.log(x)), EXACT);
        assertArrayEquals(new double[] {0.25, 4, 16}, values(Ops.square(x)), EXACT);
        assertArrayEquals(new double[] {0.5, 2, 4}, values(Ops.abs(Ops.scale(x, -1))), EXACT);
    }

    @Test
    void reshapeIsAViewWithTheNewShape() {
        INDArray x = m(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor r = Ops.reshape(Tensor.constant(x), 3, 2);
        assertArrayEquals(new long[] {3, 2}, r.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, values(r), EXACT);
    }

    // ---------------------------------------------------------------- dropout

    @Test
    void dropoutSameSeedSameMask() {
        INDArray x = uniform(30, 0.5, 1, 20, 50);
        double[] first = values(Ops.dropout(Tensor.constant(x), 0.3, new SplittableRandom(5)));
        double[] again = values(Ops.dropout(Tensor.constant(x), 0.3, new SplittableRandom(5)));
        double[] other = values(Ops.dropout(Tensor.constant(x), 0.3, new SplittableRandom(6)));
        assertArrayEquals(first, again, 0.0);
        assertFalse(java.util.Arrays.equals(first, other), "another seed gives another mask");
        double[] xs = Host.toDoubles(x);
        int zeros = 0;
        for (int i = 0; i < xs.length; i++) {
            if (first[i] == 0) {
                zeros++;
            } else {
                assertEquals(xs[i] / 0.7, first[i], EXACT, "kept values are scaled by 1 / (1 - rate)");
            }
        }
        // 1000 draws at rate 0.3: the count of zeros has standard deviation 14.5.
        assertTrue(zeros > 250 && zeros < 350, "zeros: " + zeros);
    }

    @Test
    void dropoutLayerPassesThroughAtInference() {
        Tensor x = Tensor.constant(uniform(31, -1, 1, 4, 5));
        Dropout layer = new Dropout(0.5, 3L);
        assertSame(x, layer.apply(x, false));
        Tensor trained = layer.apply(x, true);
        assertFalse(java.util.Arrays.equals(values(x), values(trained)));
        // The same seed replays the same sequence of masks.
        Dropout twin = new Dropout(0.5, 3L);
        assertArrayEquals(values(trained), values(twin.apply(x, true)), 0.0);
    }

    // ---------------------------------------------------------------- tape behaviour

    @Test
    void aVariableUsedTwiceAccumulates() {
        // y = x1 · w + x2 · w, so dy/dw = x1^T + x2^T.
        Variable w = new Variable("w", m(new double[][] {{0.5}, {-1}}), true);
        Tensor x1 = Tensor.constant(m(new double[][] {{1, 2}}));
        Tensor x2 = Tensor.constant(m(new double[][] {{3, 4}}));
        try (Tape tape = new Tape().begin()) {
            Tensor y = Ops.add(Ops.linear(x1, w.read(), null), Ops.matmul(x2, w.read()));
            tape.backward(Ops.sum(y), List.of(w));
            assertArrayEquals(new double[] {4, 6}, Host.toDoubles(w.grad()), EXACT);
            // Element-wise uses accumulate through the tape instead of writing into the gradient.
            tape.begin();
            Tensor z = Ops.add(Ops.square(w.read()), Ops.scale(w.read(), 3));
            tape.backward(Ops.sum(z), List.of(w));
            assertArrayEquals(new double[] {2 * 0.5 + 3, 2 * -1 + 3}, Host.toDoubles(w.grad()), EXACT);
        }
    }

    @Test
    void eachStepOverwritesTheGradientOfTheLastStep() {
        Variable w = new Variable("w", Nd4j.createFromArray(new double[] {1, 2}), true);
        Tape tape = new Tape();
        for (int step = 0; step < 3; step++) {
            try (Tape t = tape.begin()) {
                t.backward(Ops.sum(Ops.scale(w.read(), 2)), List.of(w));
            }
            assertArrayEquals(new double[] {2, 2}, Host.toDoubles(w.grad()), EXACT, "step " + step);
        }
    }

    @Test
    void aNewTapeStartsFromAFreshGradient() {
        // Two models (or trainers) with their own tapes may share a layer: the second tape must not
        // add to the gradient the first one left.
        Variable w = new Variable("w", Nd4j.createFromArray(new double[] {1, 2}), true);
        try (Tape t = new Tape().begin()) {
            t.backward(Ops.sum(Ops.scale(w.read(), 2)), List.of(w));
        }
        try (Tape t = new Tape().begin()) {
            t.backward(Ops.sum(Ops.scale(w.read(), 5)), List.of(w));
        }
        assertArrayEquals(new double[] {5, 5}, Host.toDoubles(w.grad()), EXACT);
    }

    @Test
    void aFrozenVariableGetsNoGradient() {
        Variable w = new Variable("w", m(new double[][] {{1, 2}, {3, 4}}), true);
        Variable frozen = new Variable("frozen", m(new double[][] {{1, 0}, {0, 1}}), false);
        try (Tape tape = new Tape().begin()) {
            Tensor f = frozen.read();
            assertFalse(f.requiresGrad());
            Tensor y = Ops.sum(Ops.matmul(w.read(), f));
            tape.backward(y, List.of(w));
            assertNull(frozen.grad(), "no gradient array for a frozen variable");
            assertArrayEquals(new double[] {1, 1, 1, 1}, Host.toDoubles(w.grad()), EXACT);
            // An op on frozen values alone is not recorded.
            int before = tape.size();
            Ops.tanh(frozen.read());
            assertEquals(before, tape.size());
            assertNull(Ops.tanh(frozen.read()).creator());
        }
    }

    @Test
    void variablesOffThePathGetZeroGradient() {
        Variable a = new Variable("a", Nd4j.createFromArray(new double[] {1, 2}), true);
        Variable b = new Variable("b", Nd4j.createFromArray(new double[] {3, 4}), true);
        Tape tape = new Tape();
        try (Tape t = tape.begin()) {
            t.backward(Ops.sum(Ops.multiply(a.read(), b.read())), List.of(a, b));
            assertArrayEquals(new double[] {1, 2}, Host.toDoubles(b.grad()), EXACT);
        }
        try (Tape t = tape.begin()) {
            // b is not used in this step: its gradient of the last step must not survive.
            t.backward(Ops.sum(Ops.square(a.read())), List.of(a, b));
            assertArrayEquals(new double[] {2, 4}, Host.toDoubles(a.grad()), EXACT);
            assertArrayEquals(new double[] {0, 0}, Host.toDoubles(b.grad()), EXACT);
        }
    }

    @Test
    void outputsThatDoNotNeedGradientsLeaveEveryGradientZero() {
        Variable a = new Variable("a", Nd4j.createFromArray(new double[] {1, 2}), true);
        try (Tape t = new Tape().begin()) {
            Tensor y = Ops.sum(Tensor.constant(Nd4j.createFromArray(new double[] {1, 2})));
            assertFalse(y.requiresGrad());
            t.backward(y, List.of(a));
            assertArrayEquals(new double[] {0, 0}, Host.toDoubles(a.grad()), EXACT);
        }
    }

    @Test
    void reluInPlaceGivesTheSameGradientsAsNotInPlace() {
        INDArray x = uniform(40, -1, 1, 4, 3), w = uniform(41, -1, 1, 3, 5), b = uniform(42, -0.5, 0.5, 5);
        double[][] inPlace = reluGradients(x, w, b, true);
        double[][] copy = reluGradients(x, w, b, false);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(copy[i], inPlace[i], 0.0, "array " + i);
        }
        boolean someZero = false, somePositive = false;
        for (double v : copy[3]) {
            someZero |= v == 0;
            somePositive |= v > 0;
        }
        assertTrue(someZero && somePositive, "the test should cover both sides of relu");
        GradientCheck.check("relu(linear) in place", in -> Ops.relu(Ops.linear(in.get(0), in.get(1), in.get(2)), true), x, w, b);
    }

    /** The gradients of x, w, b and the output of sum(relu(x · w + b) * c). */
    private static double[][] reluGradients(INDArray x, INDArray w, INDArray b, boolean inPlace) {
        Variable vx = new Variable("x", x.dup(), true), vw = new Variable("w", w.dup(), true), vb = new Variable("b", b.dup(), true);
        INDArray c = uniform(43, 0.5, 1.5, 4, 5);
        try (Tape tape = new Tape().begin()) {
            Tensor y = Ops.relu(Ops.linear(vx.read(), vw.read(), vb.read()), inPlace);
            double[] out = values(y);
            tape.backward(Ops.sum(Ops.multiply(y, Tensor.constant(c))), List.of(vx, vw, vb));
            return new double[][] {Host.toDoubles(vx.grad()), Host.toDoubles(vw.grad()), Host.toDoubles(vb.grad()), out};
        }
    }

    @Test
    void onlyOneTapeRecordsPerThread() {
        try (Tape t = new Tape().begin()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Tape().begin());
            assertEquals("another tape is already recording on this thread", e.getMessage());
            assertSame(t, Tape.active());
        }
        assertNull(Tape.active());
    }
}
