package org.sparkeras.autodiff;

import java.util.Arrays;
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
}
