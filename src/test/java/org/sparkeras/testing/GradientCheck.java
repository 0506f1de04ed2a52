package org.sparkeras.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tape;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;

/**
 * Compares the tape's gradients with central finite differences, in double precision. The function
 * receives one tensor per input and returns any tensor; a non-scalar result is reduced to a scalar
 * with fixed pseudo-random weights so every output element contributes. Pass inputs away from
 * kinks (0 for relu and abs).
 */
public final class GradientCheck {
    /** Relative error allowed between analytic and numeric gradients. */
    public static final double TOLERANCE = 1e-6;
    private static final double EPS = 1e-6;

    private GradientCheck() {}

    /** Asserts that every input's gradient matches finite differences to {@link #TOLERANCE}. */
    public static void check(String what, Function<List<Tensor>, Tensor> f, INDArray... inputs) {
        checkWithStep(what, EPS, f, inputs);
    }

    /**
     * {@link #check} with another central-difference step. Rounding costs about 1e-16 * |f| / step
     * and truncation step^2 * |f'''|: a larger step suits smooth functions with small gradient
     * elements, the default suits functions whose second derivative jumps (Huber at delta).
     */
    public static void checkWithStep(String what, double step, Function<List<Tensor>, Tensor> f, INDArray... inputs) {
        double worst = maxRelativeError(step, f, inputs);
        assertTrue(worst <= TOLERANCE, what + ": max relative gradient error " + worst + " > " + TOLERANCE);
    }

    /** The largest relative error over all input elements. */
    public static double maxRelativeError(Function<List<Tensor>, Tensor> f, INDArray... inputs) {
        return maxRelativeError(EPS, f, inputs);
    }

    private static double maxRelativeError(double eps, Function<List<Tensor>, Tensor> f, INDArray... inputs) {
        List<Variable> vars = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("gradient checks run in DOUBLE, input " + i + " is " + inputs[i].dataType());
            }
            vars.add(new Variable("input_" + i, inputs[i].dup(), true));
        }
        double[][] analytic = new double[inputs.length][];
        try (Tape tape = new Tape().begin()) {
            List<Tensor> reads = new ArrayList<>();
            for (Variable v : vars) {
                reads.add(v.read());
            }
            Tensor out = scalarize(f.apply(reads));
            tape.backward(out, vars);
            for (int i = 0; i < vars.size(); i++) {
                analytic[i] = vars.get(i).grad().dup().data().asDouble();
            }
        }
        double worst = 0;
        for (int i = 0; i < vars.size(); i++) {
            INDArray v = vars.get(i).value();
            for (long j = 0; j < v.length(); j++) {
                double orig = v.getDouble(j);
                v.putScalar(j, orig + eps);
                double plus = evaluate(f, vars);
                v.putScalar(j, orig - eps);
                double minus = evaluate(f, vars);
                v.putScalar(j, orig);
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic[i][(int) j];
                double denom = Math.max(Math.max(Math.abs(a), Math.abs(numeric)), 1e-4);
                worst = Math.max(worst, Math.abs(a - numeric) / denom);
            }
        }
        return worst;
    }

    /**
     * Asserts that the gradients of existing variables match finite differences to {@link #TOLERANCE}.
     * {@code f} computes the output by reading the variables ({@code v.read()}), e.g. by calling a
     * layer whose weights are among them; it is evaluated once inside a tape and then once per
     * perturbed element without one. The variables must be trainable DOUBLE variables. {@code step}
     * is the central-difference step (see {@link #checkWithStep}).
     */
    public static void checkVariables(String what, double step, Supplier<Tensor> f, List<Variable> variables) {
        double worst = maxRelativeError(step, f, variables);
        assertTrue(worst <= TOLERANCE, what + ": max relative gradient error " + worst + " > " + TOLERANCE);
    }

    /** The largest relative error over all elements of {@code variables}. */
    public static double maxRelativeError(double step, Supplier<Tensor> f, List<Variable> variables) {
        for (Variable v : variables) {
            if (v.value().dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("gradient checks run in DOUBLE, " + v.name() + " is " + v.value().dataType());
            }
            if (!v.trainable()) {
                throw new IllegalArgumentException("a frozen variable gets no gradient: " + v.name());
            }
        }
        double[][] analytic = new double[variables.size()][];
        try (Tape tape = new Tape().begin()) {
            Tensor out = scalarize(f.get());
            tape.backward(out, variables);
            for (int i = 0; i < variables.size(); i++) {
                analytic[i] = variables.get(i).grad().dup().data().asDouble();
            }
        }
        double worst = 0;
        for (int i = 0; i < variables.size(); i++) {
            INDArray v = variables.get(i).value();
            for (long j = 0; j < v.length(); j++) {
                double orig = v.getDouble(j);
                v.putScalar(j, orig + step);
                double plus = scalarize(f.get()).value().getDouble(0);
                v.putScalar(j, orig - step);
                double minus = scalarize(f.get()).value().getDouble(0);
                v.putScalar(j, orig);
                double numeric = (plus - minus) / (2 * step);
                double a = analytic[i][(int) j];
                double denom = Math.max(Math.max(Math.abs(a), Math.abs(numeric)), 1e-4);
                worst = Math.max(worst, Math.abs(a - numeric) / denom);
            }
        }
        return worst;
    }

    private static double evaluate(Function<List<Tensor>, Tensor> f, List<Variable> vars) {
        List<Tensor> consts = new ArrayList<>();
        for (Variable v : vars) {
            consts.add(Tensor.constant(v.value()));
        }
        return scalarize(f.apply(consts)).value().getDouble(0);
    }

    private static Tensor scalarize(Tensor out) {
        if (out.value().length() == 1) {
            return out.rank() == 0 ? out : Ops.sum(out);
        }
        INDArray w = out.value().ulike();
        long n = w.length();
        for (long i = 0; i < n; i++) {
            w.putScalar(i, 0.5 + ((i * 7919) % 13) / 13.0);
        }
        return Ops.sum(Ops.multiply(out, Tensor.constant(w)));
    }
}
