package org.sparkeras.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;
import org.sparkeras.testing.GradientCheck;

/**
 * The ops behind the merging and normalization layers: concatenate, maximum, minimum, batchDot and
 * the per-feature statistics and broadcasts. Gradient checks in DOUBLE, forward values as literals,
 * and FLOAT against DOUBLE.
 */
class MergeOpsTest {
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

    private static Tensor c(double[][] rows) {
        return Tensor.constant(Nd4j.createFromArray(rows));
    }

    private static Tensor v(double... values) {
        return Tensor.constant(Nd4j.createFromArray(values));
    }

    private static double[] values(Tensor t) {
        return Host.toDoubles(t.value());
    }

    /** The gradients of sum(f(inputs) * weights) with respect to each input. */
    private static double[][] gradients(java.util.function.Function<List<Tensor>, Tensor> f, double[] weights,
            INDArray... inputs) {
        List<Variable> vars = new java.util.ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            vars.add(new Variable("x" + i, inputs[i], true));
        }
        try (Tape tape = new Tape().begin()) {
            Tensor y = f.apply(vars.stream().map(Variable::read).toList());
            Tensor w = Tensor.constant(Nd4j.createFromArray(weights).reshape('c', y.shape()));
            tape.backward(Ops.sum(Ops.multiply(y, w)), vars);
        }
        double[][] out = new double[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            out[i] = Host.toDoubles(vars.get(i).grad());
        }
        return out;
    }

    // ---------------------------------------------------------------- concatenate

    @Test
    void concatenateGradients() {
        GradientCheck.check("concatenate 3 inputs along the last axis",
                in -> Ops.concatenate(in, -1), uniform(1, -1, 1, 2, 3), uniform(2, -1, 1, 2, 1), uniform(3, -1, 1, 2, 2));
        GradientCheck.check("concatenate along axis 1 of rank 3",
                in -> Ops.concatenate(in, 1), uniform(4, -1, 1, 2, 1, 3), uniform(5, -1, 1, 2, 2, 3));
        GradientCheck.check("concatenate along the middle axis -2 of rank 3",
                in -> Ops.concatenate(in, -2), uniform(6, -1, 1, 2, 2, 2), uniform(7, -1, 1, 2, 3, 2));
        GradientCheck.check("concatenate along the batch axis",
                in -> Ops.concatenate(in, 0), uniform(8, -1, 1, 1, 3), uniform(9, -1, 1, 2, 3));
        GradientCheck.check("concatenate a tensor with itself",
                in -> Ops.concatenate(List.of(in.get(0), Ops.tanh(in.get(0))), 1), uniform(10, -1, 1, 2, 2));
    }

    @Test
    void concatenateValues() {
        Tensor z = Ops.concatenate(List.of(c(new double[][] {{1, 2}, {3, 4}}), c(new double[][] {{5}, {6}})), -1);
        assertArrayEquals(new long[] {2, 3}, z.shape());
        assertArrayEquals(new double[] {1, 2, 5, 3, 4, 6}, values(z), 0);
        Tensor rows = Ops.concatenate(List.of(c(new double[][] {{1, 2}}), c(new double[][] {{3, 4}})), 0);
        assertArrayEquals(new long[] {2, 2}, rows.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4}, values(rows), 0);
        // (1, 2, 2) and (1, 1, 2) along axis 1: the rows of the second follow those of the first.
        Tensor r3 = Ops.concatenate(List.of(Tensor.constant(Nd4j.createFromArray(1.0, 2, 3, 4).reshape(1, 2, 2)),
                Tensor.constant(Nd4j.createFromArray(5.0, 6).reshape(1, 1, 2))), 1);
        assertArrayEquals(new long[] {1, 3, 2}, r3.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, values(r3), 0);
    }

    @Test
    void concatenateGradientSlices() {
        double[][] g = gradients(in -> Ops.concatenate(in, -1), new double[] {1, 2, 3, 4, 5, 6},
                Nd4j.zeros(DataType.DOUBLE, 2, 2), Nd4j.zeros(DataType.DOUBLE, 2, 1));
        assertArrayEquals(new double[] {1, 2, 4, 5}, g[0], 0);
        assertArrayEquals(new double[] {3, 6}, g[1], 0);
    }

    @Test
    void concatenateInFloatEqualsDouble() {
        INDArray a = uniform(11, -1, 1, 3, 2), b = uniform(12, -1, 1, 3, 4);
        Tensor d = Ops.concatenate(List.of(Tensor.constant(a), Tensor.constant(b)), 1);
        Tensor f = Ops.concatenate(List.of(Tensor.constant(a.castTo(DataType.FLOAT)), Tensor.constant(b.castTo(DataType.FLOAT))), 1);
        assertEquals(DataType.FLOAT, f.dtype());
        assertArrayEquals(values(d), values(f), 1e-7);
    }

    @Test
    void concatenateRejectsMismatchedShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.concatenate(List.of(c(new double[][] {{1, 2}}), c(new double[][] {{1}, {2}})), -1));
        assertEquals("concatenate: expected tensors of one data type with equal dimensions except along axis -1, "
                + "received [1, 2] DOUBLE, [2, 1] DOUBLE", e.getMessage());
        assertEquals("concatenate: expected an axis in [-2, 2) for a tensor of rank 2, received 2",
                assertThrows(IllegalArgumentException.class,
                        () -> Ops.concatenate(List.of(c(new double[][] {{1}}), c(new double[][] {{2}})), 2)).getMessage());
    }

    // ---------------------------------------------------------------- maximum and minimum

    @Test
    void maximumAndMinimumGradients() {
        INDArray a = uniform(13, -1, 1, 3, 4), b = uniform(14, -1, 1, 3, 4);
        GradientCheck.check("maximum", in -> Ops.maximum(in.get(0), in.get(1)), a, b);
        GradientCheck.check("minimum", in -> Ops.minimum(in.get(0), in.get(1)), a, b);
        GradientCheck.check("maximum of computed tensors",
                in -> Ops.maximum(Ops.tanh(in.get(0)), Ops.scale(in.get(1), 2)), a, b);
    }

    @Test
    void maximumAndMinimumValuesAndTies() {
        Tensor a = c(new double[][] {{1, -2, 3}}), b = c(new double[][] {{0, 5, 3}});
        assertArrayEquals(new double[] {1, 5, 3}, values(Ops.maximum(a, b)), 0);
        assertArrayEquals(new double[] {0, -2, 3}, values(Ops.minimum(a, b)), 0);
        // The tie at index 2 sends the whole gradient to the first input.
        double[] w = {10, 20, 30};
        double[][] gMax = gradients(in -> Ops.maximum(in.get(0), in.get(1)), w, a.value().dup(), b.value().dup());
        assertArrayEquals(new double[] {10, 0, 30}, gMax[0], 0);
        assertArrayEquals(new double[] {0, 20, 0}, gMax[1], 0);
        double[][] gMin = gradients(in -> Ops.minimum(in.get(0), in.get(1)), w, a.value().dup(), b.value().dup());
        assertArrayEquals(new double[] {0, 20, 30}, gMin[0], 0);
        assertArrayEquals(new double[] {10, 0, 0}, gMin[1], 0);
    }

    @Test
    void maximumPropagatesNaN() {
        double[] y = values(Ops.maximum(v(Double.NaN, 1), v(0, Double.NaN)));
        assertTrue(Double.isNaN(y[0]) && Double.isNaN(y[1]), "NaN in either input shows in the output");
    }

    @Test
    void maximumInFloatEqualsDouble() {
        INDArray a = uniform(15, -1, 1, 2, 5), b = uniform(16, -1, 1, 2, 5);
        Tensor f = Ops.minimum(Tensor.constant(a.castTo(DataType.FLOAT)), Tensor.constant(b.castTo(DataType.FLOAT)));
        assertEquals(DataType.FLOAT, f.dtype());
        assertArrayEquals(values(Ops.minimum(Tensor.constant(a), Tensor.constant(b))), values(f), 1e-7);
    }

    // ---------------------------------------------------------------- batch dot

    @Test
    void batchDotGradients() {
        INDArray a = uniform(17, -1, 1, 3, 4), b = uniform(18, -1, 1, 3, 4);
        GradientCheck.check("batchDot", in -> Ops.batchDot(in.get(0), in.get(1), false), a, b);
        GradientCheck.check("batchDot normalized", in -> Ops.batchDot(in.get(0), in.get(1), true), a, b);
        GradientCheck.check("batchDot of a tensor with a function of itself, normalized",
                in -> Ops.batchDot(in.get(0), Ops.square(in.get(0)), true), a);
    }

    @Test
    void batchDotValues() {
        Tensor a = c(new double[][] {{1, 2, 3}, {3, 4, 0}}), b = c(new double[][] {{4, -5, 6}, {3, 4, 0}});
        Tensor dot = Ops.batchDot(a, b, false);
        assertArrayEquals(new long[] {2, 1}, dot.shape());
        assertArrayEquals(new double[] {12, 25}, values(dot), 0);
        // cos = 12 / (sqrt(14) sqrt(77)); a row with itself has cosine 1.
        assertArrayEquals(new double[] {12 / Math.sqrt(14 * 77.0), 1}, values(Ops.batchDot(a, b, true)), EXACT);
    }

    @Test
    void batchDotNormalizedBelowEpsilonDividesByEpsilon() {
        // ||a|| = 5e-8 < 1e-7: a is scaled by 1 / 1e-7 (a constant factor), as Keras's normalize does.
        INDArray a = Nd4j.createFromArray(new double[][] {{3e-8, 4e-8}});
        INDArray b = Nd4j.createFromArray(new double[][] {{1, 0}});
        assertArrayEquals(new double[] {0.3}, values(Ops.batchDot(Tensor.constant(a), Tensor.constant(b), true)), EXACT);
        double[][] g = gradients(in -> Ops.batchDot(in.get(0), in.get(1), true), new double[] {1}, a.dup(), b.dup());
        assertArrayEquals(new double[] {1e7, 0}, g[0], 1e-3);
        // d/db of (â · b / ||b||) at b = (1, 0) with â = (0.3, 0.4): â - (â · b̂) b̂ = (0, 0.4).
        assertArrayEquals(new double[] {0, 0.4}, g[1], EXACT);
    }

    @Test
    void batchDotInFloatEqualsDouble() {
        INDArray a = uniform(19, -1, 1, 4, 3), b = uniform(20, -1, 1, 4, 3);
        Tensor f = Ops.batchDot(Tensor.constant(a.castTo(DataType.FLOAT)), Tensor.constant(b.castTo(DataType.FLOAT)), true);
        assertEquals(DataType.FLOAT, f.dtype());
        assertArrayEquals(values(Ops.batchDot(Tensor.constant(a), Tensor.constant(b), true)), values(f), 1e-6);
    }

    @Test
    void batchDotRejectsOtherShapes() {
        assertEquals("batchDot: expected two tensors of the same shape [n, d], received [1, 2] and [1, 3]",
                assertThrows(IllegalArgumentException.class,
                        () -> Ops.batchDot(c(new double[][] {{1, 2}}), c(new double[][] {{1, 2, 3}}), false)).getMessage());
    }

    // ---------------------------------------------------------------- per-feature statistics and broadcasts

    @Test
    void statisticsGradients() {
        GradientCheck.check("meanExceptAxis -1", in -> Ops.meanExceptAxis(in.get(0), -1), uniform(21, -1, 1, 4, 3));
        GradientCheck.check("varianceExceptAxis -1", in -> Ops.varianceExceptAxis(in.get(0), -1), uniform(22, -1, 1, 4, 3));
        GradientCheck.check("meanExceptAxis 1 of rank 3", in -> Ops.meanExceptAxis(in.get(0), 1), uniform(23, -1, 1, 2, 3, 2));
        GradientCheck.check("varianceExceptAxis 1 of rank 3", in -> Ops.varianceExceptAxis(in.get(0), 1),
                uniform(24, -1, 1, 2, 3, 2));
    }

    @Test
    void statisticsValues() {
        Tensor x = c(new double[][] {{1, 10}, {2, 20}, {3, 60}});
        assertArrayEquals(new double[] {2, 30}, values(Ops.meanExceptAxis(x, -1)), EXACT);
        // population variances: (1 + 0 + 1) / 3 and (400 + 100 + 900) / 3
        assertArrayEquals(new double[] {2.0 / 3, 1400.0 / 3}, values(Ops.varianceExceptAxis(x, -1)), EXACT);
        assertArrayEquals(new double[] {5.5, 11, 31.5}, values(Ops.meanExceptAxis(x, 0)), EXACT);
        // (2, 2, 2) along axis 1: feature 0 holds 1, 2, 5, 6 and feature 1 holds 3, 4, 7, 8.
        Tensor r3 = Tensor.constant(Nd4j.createFromArray(1.0, 2, 3, 4, 5, 6, 7, 8).reshape(2, 2, 2));
        assertArrayEquals(new double[] {3.5, 5.5}, values(Ops.meanExceptAxis(r3, 1)), EXACT);
        assertArrayEquals(new double[] {4.25, 4.25}, values(Ops.varianceExceptAxis(r3, 1)), EXACT);
    }

    @Test
    void broadcastGradients() {
        INDArray x = uniform(25, -1, 1, 3, 4), vec = uniform(26, 0.5, 2, 4);
        GradientCheck.check("addAlongAxis", in -> Ops.addAlongAxis(in.get(0), in.get(1), -1), x, vec);
        GradientCheck.check("subtractAlongAxis", in -> Ops.subtractAlongAxis(in.get(0), in.get(1), -1), x, vec);
        GradientCheck.check("multiplyAlongAxis", in -> Ops.multiplyAlongAxis(in.get(0), in.get(1), -1), x, vec);
        GradientCheck.check("divideAlongAxis", in -> Ops.divideAlongAxis(in.get(0), in.get(1), -1), x, vec);
        INDArray x3 = uniform(27, -1, 1, 2, 3, 2), v3 = uniform(28, 0.5, 2, 3);
        GradientCheck.check("multiplyAlongAxis 1 of rank 3", in -> Ops.multiplyAlongAxis(in.get(0), in.get(1), 1), x3, v3);
        GradientCheck.check("divideAlongAxis -2 of rank 3", in -> Ops.divideAlongAxis(in.get(0), in.get(1), -2), x3, v3);
        GradientCheck.check("subtractAlongAxis 1 of rank 3", in -> Ops.subtractAlongAxis(in.get(0), in.get(1), 1), x3, v3);
    }

    @Test
    void broadcastValues() {
        Tensor x = c(new double[][] {{1, 2}, {3, 4}});
        assertArrayEquals(new double[] {11, 22, 13, 24}, values(Ops.addAlongAxis(x, v(10, 20), -1)), 0);
        assertArrayEquals(new double[] {0, 0, 2, 2}, values(Ops.subtractAlongAxis(x, v(1, 2), 1)), 0);
        assertArrayEquals(new double[] {2, 4, -3, -4}, values(Ops.multiplyAlongAxis(x, v(2, -1), 0)), 0);
        assertArrayEquals(new double[] {0.5, 0.5, 1.5, 1}, values(Ops.divideAlongAxis(x, v(2, 4), -1)), 0);
    }

    @Test
    void broadcastRejectsAVectorOfTheWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.addAlongAxis(c(new double[][] {{1, 2}}), v(1, 2, 3), -1));
        assertEquals("addAlongAxis: expected a vector of shape [2] and type DOUBLE for axis -1 of x [1, 2], received [3] "
                + "of type DOUBLE", e.getMessage());
    }

    @Test
    void statisticsAndBroadcastsInFloatEqualDouble() {
        INDArray x = uniform(29, -1, 1, 5, 3), vec = uniform(30, 0.5, 2, 3);
        Tensor xf = Tensor.constant(x.castTo(DataType.FLOAT)), vf = Tensor.constant(vec.castTo(DataType.FLOAT));
        Tensor xd = Tensor.constant(x), vd = Tensor.constant(vec);
        assertArrayEquals(values(Ops.varianceExceptAxis(xd, -1)), values(Ops.varianceExceptAxis(xf, -1)), 1e-7);
        assertArrayEquals(values(Ops.divideAlongAxis(xd, vd, -1)), values(Ops.divideAlongAxis(xf, vf, -1)), 1e-6);
        assertEquals(DataType.FLOAT, Ops.meanExceptAxis(xf, -1).dtype());
    }

    @Test
    void batchNormalizationChainGradient() {
        // The training-mode computation of BatchNormalization: the gradient flows through the batch
        // mean and variance into every input element, and into gamma and beta.
        GradientCheck.check("batch normalization with batch statistics", in -> {
            Tensor x = in.get(0);
            Tensor mean = Ops.meanExceptAxis(x, -1);
            Tensor inv = Ops.multiply(Ops.elementwise("rsqrt", Ops.varianceExceptAxis(x, -1),
                    v -> 1 / Math.sqrt(v + 1e-3), (v, y) -> -0.5 * y * y * y), in.get(1));
            Tensor shift = Ops.subtract(in.get(2), Ops.multiply(mean, inv));
            return Ops.addAlongAxis(Ops.multiplyAlongAxis(x, inv, -1), shift, -1);
        }, uniform(31, -1, 1, 4, 3), uniform(32, 0.5, 1.5, 3), uniform(33, -1, 1, 3));
    }
}
