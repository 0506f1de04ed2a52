package org.sparkeras.autodiff;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.special.Erf;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.ArrayPool;
import org.sparkeras.backend.Blas;
import org.sparkeras.backend.Host;

/**
 * The differentiable ops. Each factory computes the forward value at once and, while a {@link Tape}
 * records, leaves an op that knows its backward. The hot path of a dense network (affine maps,
 * ReLU, softmax) is a handful of BLAS calls and native ops on pooled arrays; the other element-wise
 * functions run as Java loops in double precision over a copy of the values, which costs less than
 * a chain of ND4J ops and keeps their derivatives exact.
 */
public final class Ops {
    private Ops() {}

    // ---------------------------------------------------------------- linear algebra

    /** {@code x · w + b} for x [n, in], w [in, out], b [out] or null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        INDArray xv = Blas.contiguous(x.value());
        INDArray wv = w.value();
        if (x.rank() != 2 || w.rank() != 2 || xv.size(1) != wv.size(0)) {
            throw new IllegalArgumentException("linear: cannot multiply x of shape " + Arrays.toString(x.shape())
                    + " by w of shape " + Arrays.toString(w.shape()));
        }
        INDArray z = ArrayPool.alloc(wv.dataType(), xv.size(0), wv.size(1));
        Blas.gemm(xv, false, wv, false, z, 1.0, 0.0);
        if (b != null) {
            Blas.addRowVector(z, b.value());
        }
        return b == null ? new Linear(x, w).output(z) : new Linear(x, w, b).output(z);
    }

    private static final class Linear extends Op {
        Linear(Tensor... in) {
            super(in);
        }

        @Override
        protected void backward(Tape tape, INDArray g) {
            INDArray x = Blas.contiguous(inputs[0].value());
            INDArray gc = Blas.contiguous(g);
            Tensor w = inputs[1];
            if (w.requiresGrad) {
                gemmInto(tape, w, x, true, gc, false);
            }
            if (inputs.length > 2 && inputs[2].requiresGrad) {
                Tensor b = inputs[2];
                if (b.variable != null) {
                    Tape.GradTarget t = tape.gradTarget(b.variable);
                    Blas.columnSums(gc, t.array(), 1.0, t.beta());
                    tape.wrote(b.variable);
                } else {
                    INDArray db = ArrayPool.alloc(g.dataType(), b.shape());
                    Blas.columnSums(gc, db, 1.0, 0.0);
                    tape.accumulate(b, db, false);
                }
            }
            if (inputs[0].requiresGrad) {
                gemmInto(tape, inputs[0], gc, false, w.value(), true);
            }
        }
    }

    /** {@code a · b} for 2-D a [n, k] and b [k, m]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        INDArray av = Blas.contiguous(a.value()), bv = Blas.contiguous(b.value());
        if (a.rank() != 2 || b.rank() != 2 || av.size(1) != bv.size(0)) {
            throw new IllegalArgumentException("matmul: cannot multiply shapes " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(b.shape()));
        }
        INDArray z = ArrayPool.alloc(av.dataType(), av.size(0), bv.size(1));
        Blas.gemm(av, false, bv, false, z, 1.0, 0.0);
        return new MatMul(a, b).output(z);
    }

    private static final class MatMul extends Op {
        MatMul(Tensor a, Tensor b) {
            super(a, b);
        }

        @Override
        protected void backward(Tape tape, INDArray g) {
            INDArray gc = Blas.contiguous(g);
            if (inputs[0].requiresGrad) {
                gemmInto(tape, inputs[0], gc, false, Blas.contiguous(inputs[1].value()), true);
            }
            if (inputs[1].requiresGrad) {
                gemmInto(tape, inputs[1], Blas.contiguous(inputs[0].value()), true, gc, false);
            }
        }
    }

    /** Adds op(a)·op(b) to the gradient of {@code target}, writing into a variable's gradient directly. */
    private static void gemmInto(Tape tape, Tensor target, INDArray a, boolean ta, INDArray b, boolean tb) {
        if (target.variable != null) {
            Tape.GradTarget t = tape.gradTarget(target.variable);
            Blas.gemm(a, ta, b, tb, t.array(), 1.0, t.beta());
            tape.wrote(target.variable);
        } else {
            INDArray d = ArrayPool.alloc(target.dtype(), target.shape());
            Blas.gemm(a, ta, b, tb, d, 1.0, 0.0);
            tape.accumulate(target, d, false);
        }
    }

    // ---------------------------------------------------------------- element-wise arithmetic

    /** {@code a + b}, same shapes. */
    public static Tensor add(Tensor a, Tensor b) {
        checkSameShape("add", a, b);
        INDArray z = ArrayPool.alloc(a.dtype(), a.shape());
        Nd4j.exec(new AddOp(a.value(), b.value(), z));
        return new Op(a, b) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                tape.accumulate(inputs[0], g, true);
                tape.accumulate(inputs[1], g, true);
            }

            @Override
            public String name() {
                return "Add";
            }
        }.output(z);
    }

    /** {@code a - b}, same shapes. */
    public static Tensor subtract(Tensor a, Tensor b) {
        checkSameShape("subtract", a, b);
        INDArray z = ArrayPool.alloc(a.dtype(), a.shape());
        Nd4j.exec(new SubOp(a.value(), b.value(), z));
        return new Op(a, b) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                tape.accumulate(inputs[0], g, true);
                if (inputs[1].requiresGrad) {
                    tape.accumulate(inputs[1], g.neg(), false);
                }
            }

            @Override
            public String name() {
                return "Subtract";
            }
        }.output(z);
    }

    /** {@code a * b} element-wise, same shapes. */
    public static Tensor multiply(Tensor a, Tensor b) {
        checkSameShape("multiply", a, b);
        INDArray z = ArrayPool.alloc(a.dtype(), a.shape());
        Nd4j.exec(new MulOp(a.value(), b.value(), z));
        return new Op(a, b) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                if (inputs[0].requiresGrad) {
                    tape.accumulate(inputs[0], g.mul(inputs[1].value()), false);
                }
                if (inputs[1].requiresGrad) {
                    tape.accumulate(inputs[1], g.mul(inputs[0].value()), false);
                }
            }

            @Override
            public String name() {
                return "Multiply";
            }
        }.output(z);
    }

    /** {@code a / b} element-wise, same shapes. */
    public static Tensor divide(Tensor a, Tensor b) {
        checkSameShape("divide", a, b);
        INDArray z = ArrayPool.alloc(a.dtype(), a.shape());
        Nd4j.exec(new DivOp(a.value(), b.value(), z));
        return new Op(a, b) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                INDArray bv = inputs[1].value();
                if (inputs[0].requiresGrad) {
                    tape.accumulate(inputs[0], g.div(bv), false);
                }
                if (inputs[1].requiresGrad) {
                    // d(a/b)/db = -a / b^2
                    tape.accumulate(inputs[1], g.mul(inputs[0].value()).divi(bv).divi(bv).negi(), false);
                }
            }

            @Override
            public String name() {
                return "Divide";
            }
        }.output(z);
    }

    /** {@code x * factor}. */
    public static Tensor scale(Tensor x, double factor) {
        INDArray z = x.value().mul(factor);
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                tape.accumulate(inputs[0], g.mul(factor), false);
            }

            @Override
            public String name() {
                return "Scale";
            }
        }.output(z);
    }

    // ---------------------------------------------------------------- activations

    /**
     * max(x, 0). With {@code inPlace}, x's array is overwritten (its producer must not need it).
     *
     * <p>In FLOAT, forward and backward are Java loops over host copies that the JIT vectorizes:
     * measured here at batch 32 x 300 units, 4.5 µs forward and 7.4 µs backward, against 18 µs for
     * ND4J's relu op and 56 µs for its relu_bp custom op.
     */
    public static Tensor relu(Tensor x, boolean inPlace) {
        if (x.dtype() != DataType.FLOAT || !Blas.isContiguous(x.value())) {
            return reluNative(x, inPlace);
        }
        int n = (int) x.value().length();
        INDArray z = inPlace ? x.value() : ArrayPool.alloc(x.dtype(), x.shape());
        float[] v = Host.toFloats(x.value(), scratch(0, n));
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(v[i], 0f);
        }
        Host.fromFloats(v, 0, z);
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                INDArray dx = tape.ownsGrad(output) && Blas.isContiguous(g) ? g : ArrayPool.alloc(g.dataType(), g.shape());
                float[] y = Host.toFloats(output.value(), scratch(0, n));
                float[] d = Host.toFloats(g, scratch(1, n));
                // mask = min(y * 1e38, 1): exactly 1 for every output >= 1e-38 and 0 for 0, without
                // a branch, so the loop vectorizes (a subnormal output scales its gradient down).
                for (int i = 0; i < n; i++) {
                    d[i] *= Math.min(y[i] * 1e38f, 1f);
                }
                Host.fromFloats(d, 0, dx);
                tape.accumulate(inputs[0], dx, false);
            }

            @Override
            public String activation() {
                return "relu";
            }
        }.output(z);
    }

    /** Two reusable host buffers per thread for the element-wise kernels. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private static float[] scratch(int slot, int n) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < n) {
            s[slot] = new float[n];
        }
        return s[slot];
    }

    /** ReLU with ND4J's native ops (DOUBLE, or non-contiguous inputs). */
    private static Tensor reluNative(Tensor x, boolean inPlace) {
        INDArray z = inPlace && Blas.isContiguous(x.value()) ? x.value() : ArrayPool.alloc(x.dtype(), x.shape());
        Nd4j.exec(new RectifiedLinear(x.value(), z, 0.0));
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                // relu(y) > 0 exactly where x > 0, so the output serves as the input of relu_bp.
                INDArray dx = tape.ownsGrad(output) ? g : ArrayPool.alloc(g.dataType(), g.shape());
                Nd4j.exec(new RectifiedLinearDerivative(output.value(), g, dx));
                tape.accumulate(inputs[0], dx, false);
            }

            @Override
            public String activation() {
                return "relu";
            }
        }.output(z);
    }

    /** Softmax over the last axis. */
    public static Tensor softmax(Tensor x) {
        INDArray z = ArrayPool.alloc(x.dtype(), x.shape());
        Nd4j.exec(new SoftMax(x.value(), z, x.rank() - 1));
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                // dx = y * (g - sum(g * y, last axis))
                long[] shape = output.shape();
                int cols = (int) shape[shape.length - 1];
                double[] y = Host.toDoubles(output.value());
                double[] gd = Host.toDoubles(g);
                double[] dx = new double[y.length];
                for (int r = 0; r < y.length / Math.max(cols, 1); r++) {
                    int o = r * cols;
                    double dot = 0;
                    for (int c = 0; c < cols; c++) {
                        dot += gd[o + c] * y[o + c];
                    }
                    for (int c = 0; c < cols; c++) {
                        dx[o + c] = y[o + c] * (gd[o + c] - dot);
                    }
                }
                INDArray d = ArrayPool.alloc(g.dataType(), shape);
                Host.fromDoubles(dx, d);
                tape.accumulate(inputs[0], d, false);
            }

            @Override
            public String activation() {
                return "softmax";
            }
        }.output(z);
    }

    /** 1 / (1 + e^-x). */
    public static Tensor sigmoid(Tensor x) {
        return elementwise("sigmoid", x, Ops::sigmoid, (v, y) -> y * (1 - y));
    }

    /** tanh(x). */
    public static Tensor tanh(Tensor x) {
        return elementwise("tanh", x, Math::tanh, (v, y) -> 1 - y * y);
    }

    /** x for x > 0, alpha (e^x - 1) otherwise. */
    public static Tensor elu(Tensor x, double alpha) {
        return elementwise("elu", x, v -> v > 0 ? v : alpha * Math.expm1(v), (v, y) -> v > 0 ? 1 : y + alpha);
    }

    /** Scaled ELU with the constants of Klambauer et al. (2017). */
    public static Tensor selu(Tensor x) {
        final double a = 1.6732632423543772848170429916717, s = 1.0507009873554804934193349852946;
        return elementwise("selu", x, v -> v > 0 ? s * v : s * a * Math.expm1(v), (v, y) -> v > 0 ? s : y + s * a);
    }

    /** Gaussian error linear unit: exact {@code x Φ(x)}, or the tanh approximation. */
    public static Tensor gelu(Tensor x, boolean approximate) {
        if (approximate) {
            final double c = Math.sqrt(2 / Math.PI);
            return elementwise("gelu", x, v -> 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v))), (v, y) -> {
                double u = c * (v + 0.044715 * v * v * v);
                double t = Math.tanh(u);
                return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v);
            });
        }
        return elementwise("gelu", x, v -> 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))),
                (v, y) -> 0.5 * (1 + Erf.erf(v / Math.sqrt(2))) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI));
    }

    /** x for x > 0, slope * x otherwise. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return elementwise("leaky_relu", x, v -> v > 0 ? v : slope * v, (v, y) -> v > 0 ? 1 : slope);
    }

    /** log(1 + e^x), computed stably. */
    public static Tensor softplus(Tensor x) {
        return elementwise("softplus", x, v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))), (v, y) -> sigmoid(v));
    }

    /** e^x. */
    public static Tensor exp(Tensor x) {
        return elementwise("exp", x, Math::exp, (v, y) -> y);
    }

    /** Natural logarithm. */
    public static Tensor log(Tensor x) {
        return elementwise("log", x, Math::log, (v, y) -> 1 / v);
    }

    /** x². */
    public static Tensor square(Tensor x) {
        return elementwise("square", x, v -> v * v, (v, y) -> 2 * v);
    }

    /** |x| (gradient 0 at 0). */
    public static Tensor abs(Tensor x) {
        return elementwise("abs", x, Math::abs, (v, y) -> Math.signum(v));
    }

    static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    /** The derivative of an element-wise function from its input v and output y. */
    @FunctionalInterface
    public interface Derivative {
        double at(double v, double y);
    }

    /** An element-wise function computed in double precision on a host copy of x. */
    public static Tensor elementwise(String name, Tensor x, DoubleUnaryOperator f, Derivative df) {
        double[] v = Host.toDoubles(x.value());
        double[] y = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            y[i] = f.applyAsDouble(v[i]);
        }
        INDArray z = ArrayPool.alloc(x.dtype(), x.shape());
        Host.fromDoubles(y, z);
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                double[] gd = Host.toDoubles(g);
                double[] dx = new double[gd.length];
                for (int i = 0; i < gd.length; i++) {
                    dx[i] = gd[i] * df.at(v[i], y[i]);
                }
                INDArray d = ArrayPool.alloc(g.dataType(), g.shape());
                Host.fromDoubles(dx, d);
                tape.accumulate(inputs[0], d, false);
            }

            @Override
            public String activation() {
                return name;
            }

            @Override
            public String name() {
                return name;
            }
        }.output(z);
    }

    // ---------------------------------------------------------------- shape

    /** The same values in a new shape (a view when x is contiguous). */
    public static Tensor reshape(Tensor x, long... shape) {
        INDArray z = Blas.contiguous(x.value()).reshape('c', shape);
        long[] inShape = x.shape();
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                tape.accumulate(inputs[0], Blas.contiguous(g).reshape('c', inShape), true);
            }

            @Override
            public String name() {
                return "Reshape";
            }
        }.output(z);
    }

    // ---------------------------------------------------------------- regularization and reductions

    /**
     * Inverted dropout: zeroes each element with probability {@code rate} and scales the rest by
     * 1 / (1 - rate). The mask comes from {@code random}, so a seeded generator replays exactly.
     */
    public static Tensor dropout(Tensor x, double rate, SplittableRandom random) {
        long n = x.value().length();
        double keep = 1 - rate;
        double[] m = new double[(int) n];
        for (int i = 0; i < n; i++) {
            m[i] = random.nextDouble() < rate ? 0 : 1 / keep;
        }
        INDArray mask = ArrayPool.alloc(x.dtype(), x.shape());
        Host.fromDoubles(m, mask);
        INDArray z = ArrayPool.alloc(x.dtype(), x.shape());
        Nd4j.exec(new MulOp(x.value(), mask, z));
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                INDArray d = ArrayPool.alloc(g.dataType(), g.shape());
                Nd4j.exec(new MulOp(g, mask, d));
                tape.accumulate(inputs[0], d, false);
            }

            @Override
            public String name() {
                return "Dropout";
            }
        }.output(z);
    }

    /** The sum of all elements, as a scalar. */
    public static Tensor sum(Tensor x) {
        return reduce("Sum", x, 1.0);
    }

    /** The mean of all elements, as a scalar. */
    public static Tensor mean(Tensor x) {
        return reduce("Mean", x, 1.0 / Math.max(1, x.value().length()));
    }

    private static Tensor reduce(String name, Tensor x, double factor) {
        INDArray z = ArrayPool.alloc(x.dtype());
        z.assign(x.value().sumNumber().doubleValue() * factor);
        long[] shape = x.shape();
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                INDArray d = ArrayPool.alloc(g.dataType(), shape);
                d.assign(g.getDouble(0) * factor);
                tape.accumulate(inputs[0], d, false);
            }

            @Override
            public String name() {
                return name;
            }
        }.output(z);
    }

    /** A scalar constant of the given type. */
    public static Tensor scalar(DataType type, double value) {
        return Tensor.constant(Nd4j.scalar(type, value));
    }

    private static void checkSameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ, " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()));
        }
    }

    // ---------------------------------------------------------------- merging

    /**
     * Joins tensors along {@code axis}, counted with the batch dimension (-1 is the last). Every
     * other dimension must be equal and all tensors of one data type. Runs as row copies on host
     * arrays; the backward pass slices the gradient the same way.
     */
    public static Tensor concatenate(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concatenate: expected at least 1 tensor, received 0");
        }
        Tensor first = xs.get(0);
        long[] firstShape = first.shape();
        int rank = firstShape.length;
        int ax = resolveAxis("concatenate", rank, axis);
        long[] outShape = firstShape.clone();
        outShape[ax] = 0;
        for (Tensor t : xs) {
            long[] s = t.shape();
            boolean ok = s.length == rank && t.dtype() == first.dtype();
            for (int d = 0; ok && d < rank; d++) {
                ok = d == ax || s[d] == firstShape[d];
            }
            if (!ok) {
                throw new IllegalArgumentException("concatenate: expected tensors of one data type with equal dimensions "
                        + "except along axis " + axis + ", received " + describe(xs));
            }
            outShape[ax] += s[ax];
        }
        long outer = product(outShape, 0, ax);
        long inner = product(outShape, ax + 1, rank);
        int outRow = (int) (outShape[ax] * inner);
        int[] widths = new int[xs.size()];
        double[] y = new double[(int) (outer * outRow)];
        int offset = 0;
        for (int i = 0; i < xs.size(); i++) {
            double[] v = Host.toDoubles(xs.get(i).value());
            int w = (int) (xs.get(i).shape()[ax] * inner);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(v, o * w, y, o * outRow + offset, w);
            }
            widths[i] = w;
            offset += w;
        }
        INDArray z = ArrayPool.alloc(first.dtype(), outShape);
        Host.fromDoubles(y, z);
        return new Op(xs.toArray(new Tensor[0])) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                double[] gd = Host.toDoubles(g);
                int off = 0;
                for (int i = 0; i < inputs.length; i++) {
                    int w = widths[i];
                    if (inputs[i].requiresGrad) {
                        double[] d = new double[(int) (outer * w)];
                        for (int o = 0; o < outer; o++) {
                            System.arraycopy(gd, o * outRow + off, d, o * w, w);
                        }
                        INDArray di = ArrayPool.alloc(g.dataType(), inputs[i].shape());
                        Host.fromDoubles(d, di);
                        tape.accumulate(inputs[i], di, false);
                    }
                    off += w;
                }
            }

            @Override
            public String name() {
                return "Concatenate";
            }
        }.output(z);
    }

    /** The element-wise maximum of two same-shape tensors; on ties the gradient goes to {@code a}. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", a, b, true);
    }

    /** The element-wise minimum of two same-shape tensors; on ties the gradient goes to {@code a}. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", a, b, false);
    }

    private static Tensor extremum(String name, Tensor a, Tensor b, boolean max) {
        checkSameShape(name, a, b);
        checkSameType(name, a, b);
        double[] av = Host.toDoubles(a.value());
        double[] bv = Host.toDoubles(b.value());
        boolean[] fromA = new boolean[av.length];
        double[] y = new double[av.length];
        for (int i = 0; i < av.length; i++) {
            // A NaN wins, so a diverging input shows in the output instead of being masked.
            boolean pickA = Double.isNaN(av[i]) || (!Double.isNaN(bv[i]) && (max ? av[i] >= bv[i] : av[i] <= bv[i]));
            fromA[i] = pickA;
            y[i] = pickA ? av[i] : bv[i];
        }
        INDArray z = ArrayPool.alloc(a.dtype(), a.shape());
        Host.fromDoubles(y, z);
        return new Op(a, b) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                double[] gd = Host.toDoubles(g);
                for (int k = 0; k < 2; k++) {
                    if (!inputs[k].requiresGrad) {
                        continue;
                    }
                    boolean wantA = k == 0;
                    double[] d = new double[gd.length];
                    for (int i = 0; i < gd.length; i++) {
                        d[i] = fromA[i] == wantA ? gd[i] : 0;
                    }
                    INDArray dk = ArrayPool.alloc(g.dataType(), g.shape());
                    Host.fromDoubles(d, dk);
                    tape.accumulate(inputs[k], dk, false);
                }
            }

            @Override
            public String name() {
                return name.substring(0, 1).toUpperCase() + name.substring(1);
            }
        }.output(z);
    }

    /** The smallest norm Keras's L2 normalization divides by (its backend epsilon). */
    private static final double L2_EPSILON = 1e-7;

    /**
     * The per-sample dot product of two [n, d] tensors along axis 1: {@code out[i, 0] = sum_j a[i, j]
     * b[i, j]}, shape [n, 1]. With {@code normalize}, each row is first divided by max(its L2 norm,
     * 1e-7) as Keras's {@code normalize} does, so the result is the cosine similarity.
     */
    public static Tensor batchDot(Tensor a, Tensor b, boolean normalize) {
        if (a.rank() != 2 || !Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("batchDot: expected two tensors of the same shape [n, d], received "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        checkSameType("batchDot", a, b);
        int n = (int) a.size(0), d = (int) a.size(1);
        double[] av = Host.toDoubles(a.value());
        double[] bv = Host.toDoubles(b.value());
        // Per row: the factor each input is scaled by, and whether that factor depends on the row
        // (a norm above epsilon) or is the constant 1 / epsilon (or 1 without normalization).
        double[] sa = new double[n], sb = new double[n];
        boolean[] varA = new boolean[n], varB = new boolean[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            int o = i * d;
            double aa = 0, bb = 0, ab = 0;
            for (int j = 0; j < d; j++) {
                aa += av[o + j] * av[o + j];
                bb += bv[o + j] * bv[o + j];
                ab += av[o + j] * bv[o + j];
            }
            if (normalize) {
                double na = Math.sqrt(aa), nb = Math.sqrt(bb);
                varA[i] = na > L2_EPSILON;
                varB[i] = nb > L2_EPSILON;
                sa[i] = 1 / Math.max(na, L2_EPSILON);
                sb[i] = 1 / Math.max(nb, L2_EPSILON);
            } else {
                sa[i] = 1;
                sb[i] = 1;
            }
            y[i] = sa[i] * sb[i] * ab;
        }
        INDArray z = ArrayPool.alloc(a.dtype(), n, 1);
        Host.fromDoubles(y, z);
        return new Op(a, b) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                double[] gd = Host.toDoubles(g);
                if (inputs[0].requiresGrad) {
                    tape.accumulate(inputs[0], dotGrad(g, gd, av, bv, sa, sb, varA, y, n, d), false);
                }
                if (inputs[1].requiresGrad) {
                    tape.accumulate(inputs[1], dotGrad(g, gd, bv, av, sb, sa, varB, y, n, d), false);
                }
            }

            @Override
            public String name() {
                return "BatchDot";
            }
        }.output(z);
    }

    /**
     * The gradient of {@code y = (s_x x)·(s_o o)} with respect to x: {@code s_x x̂'} where x̂' is
     * {@code ô - y x̂} when s_x = 1 / ||x|| varies with x, and {@code ô} when it is constant.
     */
    private static INDArray dotGrad(INDArray g, double[] gd, double[] x, double[] other, double[] sx, double[] so,
            boolean[] varying, double[] y, int n, int d) {
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int j = 0; j < d; j++) {
                double oHat = so[i] * other[o + j];
                double v = varying[i] ? oHat - y[i] * sx[i] * x[o + j] : oHat;
                out[o + j] = gd[i] * sx[i] * v;
            }
        }
        INDArray r = ArrayPool.alloc(g.dataType(), n, d);
        Host.fromDoubles(out, r);
        return r;
    }

    // ---------------------------------------------------------------- per-feature statistics and broadcasting

    /**
     * The mean over every axis but {@code axis} (counted with the batch dimension; -1 is the last):
     * for x [n, c] and axis -1, the column means, shape [c].
     */
    public static Tensor meanExceptAxis(Tensor x, int axis) {
        Layout l = Layout.of("meanExceptAxis", x, axis);
        double[] xv = Host.toDoubles(x.value());
        double[] mean = l.featureMeans(xv);
        INDArray z = ArrayPool.alloc(x.dtype(), l.features);
        Host.fromDoubles(mean, z);
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                double[] gd = Host.toDoubles(g);
                double[] dx = new double[xv.length];
                l.forEach((i, c) -> dx[i] = gd[c] / l.count);
                INDArray d = ArrayPool.alloc(g.dataType(), inputs[0].shape());
                Host.fromDoubles(dx, d);
                tape.accumulate(inputs[0], d, false);
            }

            @Override
            public String name() {
                return "MeanExceptAxis";
            }
        }.output(z);
    }

    /**
     * The population variance (divided by the count, not count - 1) over every axis but
     * {@code axis}, shape [c]; computed in two passes in double precision.
     */
    public static Tensor varianceExceptAxis(Tensor x, int axis) {
        Layout l = Layout.of("varianceExceptAxis", x, axis);
        double[] xv = Host.toDoubles(x.value());
        double[] mean = l.featureMeans(xv);
        double[] var = new double[l.features];
        l.forEach((i, c) -> {
            double dev = xv[i] - mean[c];
            var[c] += dev * dev;
        });
        for (int c = 0; c < var.length; c++) {
            var[c] /= l.count;
        }
        INDArray z = ArrayPool.alloc(x.dtype(), l.features);
        Host.fromDoubles(var, z);
        return new Op(x) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                // d var_c / d x_i = 2 (x_i - mean_c) / count; the mean's own dependence on x_i
                // contributes nothing because the deviations sum to zero.
                double[] gd = Host.toDoubles(g);
                double[] dx = new double[xv.length];
                l.forEach((i, c) -> dx[i] = gd[c] * 2 * (xv[i] - mean[c]) / l.count);
                INDArray d = ArrayPool.alloc(g.dataType(), inputs[0].shape());
                Host.fromDoubles(dx, d);
                tape.accumulate(inputs[0], d, false);
            }

            @Override
            public String name() {
                return "VarianceExceptAxis";
            }
        }.output(z);
    }

    /** {@code x + v} with v [c] broadcast along {@code axis} of x (for x [n, c], axis -1: add a row vector). */
    public static Tensor addAlongAxis(Tensor x, Tensor v, int axis) {
        return alongAxis(Broadcast.ADD, x, v, axis);
    }

    /** {@code x - v} with v [c] broadcast along {@code axis} of x. */
    public static Tensor subtractAlongAxis(Tensor x, Tensor v, int axis) {
        return alongAxis(Broadcast.SUBTRACT, x, v, axis);
    }

    /** {@code x * v} with v [c] broadcast along {@code axis} of x. */
    public static Tensor multiplyAlongAxis(Tensor x, Tensor v, int axis) {
        return alongAxis(Broadcast.MULTIPLY, x, v, axis);
    }

    /** {@code x / v} with v [c] broadcast along {@code axis} of x. */
    public static Tensor divideAlongAxis(Tensor x, Tensor v, int axis) {
        return alongAxis(Broadcast.DIVIDE, x, v, axis);
    }

    private enum Broadcast {
        ADD("addAlongAxis"), SUBTRACT("subtractAlongAxis"), MULTIPLY("multiplyAlongAxis"), DIVIDE("divideAlongAxis");

        final String opName;

        Broadcast(String opName) {
            this.opName = opName;
        }
    }

    private static Tensor alongAxis(Broadcast kind, Tensor x, Tensor v, int axis) {
        Layout l = Layout.of(kind.opName, x, axis);
        if (v.rank() != 1 || v.size(0) != l.features || v.dtype() != x.dtype()) {
            throw new IllegalArgumentException(kind.opName + ": expected a vector of shape [" + l.features + "] and type "
                    + x.dtype() + " for axis " + axis + " of x " + Arrays.toString(x.shape()) + ", received "
                    + Arrays.toString(v.shape()) + " of type " + v.dtype());
        }
        double[] xv = Host.toDoubles(x.value());
        double[] vv = Host.toDoubles(v.value());
        double[] y = new double[xv.length];
        switch (kind) {
            case ADD -> l.forEach((i, c) -> y[i] = xv[i] + vv[c]);
            case SUBTRACT -> l.forEach((i, c) -> y[i] = xv[i] - vv[c]);
            case MULTIPLY -> l.forEach((i, c) -> y[i] = xv[i] * vv[c]);
            case DIVIDE -> l.forEach((i, c) -> y[i] = xv[i] / vv[c]);
        }
        INDArray z = ArrayPool.alloc(x.dtype(), x.shape());
        Host.fromDoubles(y, z);
        return new Op(x, v) {
            @Override
            protected void backward(Tape tape, INDArray g) {
                boolean additive = kind == Broadcast.ADD || kind == Broadcast.SUBTRACT;
                double[] gd = inputs[1].requiresGrad || (!additive && inputs[0].requiresGrad) ? Host.toDoubles(g) : null;
                if (inputs[0].requiresGrad) {
                    if (additive) {
                        tape.accumulate(inputs[0], g, true);
                    } else {
                        double[] dx = new double[gd.length];
                        if (kind == Broadcast.MULTIPLY) {
                            l.forEach((i, c) -> dx[i] = gd[i] * vv[c]);
                        } else {
                            l.forEach((i, c) -> dx[i] = gd[i] / vv[c]);
                        }
                        INDArray d = ArrayPool.alloc(g.dataType(), g.shape());
                        Host.fromDoubles(dx, d);
                        tape.accumulate(inputs[0], d, false);
                    }
                }
                if (inputs[1].requiresGrad) {
                    double[] dv = new double[l.features];
                    switch (kind) {
                        case ADD -> l.forEach((i, c) -> dv[c] += gd[i]);
                        case SUBTRACT -> l.forEach((i, c) -> dv[c] -= gd[i]);
                        case MULTIPLY -> l.forEach((i, c) -> dv[c] += gd[i] * xv[i]);
                        case DIVIDE -> l.forEach((i, c) -> dv[c] -= gd[i] * xv[i] / (vv[c] * vv[c]));
                    }
                    INDArray d = ArrayPool.alloc(g.dataType(), l.features);
                    Host.fromDoubles(dv, d);
                    tape.accumulate(inputs[1], d, false);
                }
            }

            @Override
            public String name() {
                return kind.opName;
            }
        }.output(z);
    }

    /**
     * A tensor seen as [outer, features, inner] around one axis: element i (C order) belongs to
     * feature {@code (i / inner) % features}.
     */
    private static final class Layout {
        final int outer;
        final int features;
        final int inner;
        /** The number of elements per feature. */
        final long count;

        private Layout(int outer, int features, int inner) {
            this.outer = outer;
            this.features = features;
            this.inner = inner;
            this.count = (long) outer * inner;
        }

        static Layout of(String op, Tensor x, int axis) {
            long[] s = x.shape();
            int ax = resolveAxis(op, s.length, axis);
            return new Layout((int) product(s, 0, ax), (int) s[ax], (int) product(s, ax + 1, s.length));
        }

        @FunctionalInterface
        interface ElementFeature {
            void at(int element, int feature);
        }

        void forEach(ElementFeature f) {
            int i = 0;
            for (int o = 0; o < outer; o++) {
                for (int c = 0; c < features; c++) {
                    for (int k = 0; k < inner; k++) {
                        f.at(i++, c);
                    }
                }
            }
        }

        double[] featureMeans(double[] xv) {
            double[] mean = new double[features];
            forEach((i, c) -> mean[c] += xv[i]);
            for (int c = 0; c < features; c++) {
                mean[c] /= count;
            }
            return mean;
        }
    }

    /** An axis in [-rank, rank) as an index in [0, rank). */
    private static int resolveAxis(String op, int rank, int axis) {
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException(op + ": expected an axis in [" + -rank + ", " + rank + ") for a tensor of rank "
                    + rank + ", received " + axis);
        }
        return ax;
    }

    private static long product(long[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p = Math.multiplyExact(p, shape[i]);
        }
        return p;
    }

    private static String describe(List<Tensor> xs) {
        StringBuilder b = new StringBuilder();
        for (Tensor t : xs) {
            b.append(b.length() > 0 ? ", " : "").append(Arrays.toString(t.shape())).append(' ').append(t.dtype());
        }
        return b.toString();
    }

    private static void checkSameType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": data types differ, " + a.dtype() + " and " + b.dtype());
        }
    }
}
