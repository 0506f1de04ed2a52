package org.sparkeras.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.ArrayPool;

/**
 * Records the ops of a forward pass on this thread and runs them backwards (TensorFlow's
 * GradientTape). One tape is reused step after step:
 *
 * <pre>{@code
 * try (Tape tape = this.tape.begin()) {
 *     Tensor loss = ...;                 // forward: ops record themselves
 *     tape.backward(loss, variables);    // gradients land in each variable's grad()
 * }
 * }</pre>
 *
 * Gradients of a variable are written straight into its gradient array: the first contribution of
 * a step overwrites, later ones add, so shared weights accumulate and nothing needs zeroing.
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Tape> ACTIVE = new ThreadLocal<>();
    /**
     * Step numbers are unique across tapes: a variable remembers the step of its last gradient
     * write, and a layer may be trained by several models, each with its own tape.
     */
    private static final AtomicLong STEPS = new AtomicLong();

    private final List<Op> ops = new ArrayList<>();
    private long step;

    /** The tape recording on this thread, or null. */
    public static Tape active() {
        return ACTIVE.get();
    }

    /** Starts a new recording on this thread. */
    public Tape begin() {
        if (ACTIVE.get() != null && ACTIVE.get() != this) {
            throw new IllegalStateException("another tape is already recording on this thread");
        }
        ops.clear();
        step = STEPS.incrementAndGet();
        ACTIVE.set(this);
        return this;
    }

    /** Stops recording. */
    @Override
    public void close() {
        if (ACTIVE.get() == this) {
            ACTIVE.remove();
        }
        ops.clear();
    }

    void record(Op op) {
        ops.add(op);
    }

    /** The number of ops recorded since {@link #begin()}. */
    public int size() {
        return ops.size();
    }

    /**
     * Back-propagates from a scalar (or from {@code y} with an all-ones seed) and leaves the
     * gradient of every variable in {@code variables} in its {@code grad()}, zero when the output
     * does not depend on it.
     */
    public void backward(Tensor y, List<Variable> variables) {
        INDArray seed = ArrayPool.alloc(y.dtype(), y.shape());
        seed.assign(1.0);
        backward(y, seed, variables);
    }

    /** Back-propagates {@code seed}, the gradient of {@code y}. */
    public void backward(Tensor y, INDArray seed, List<Variable> variables) {
        if (y.requiresGrad) {
            accumulate(y, seed, true);
            for (int i = ops.size() - 1; i >= 0; i--) {
                Op op = ops.get(i);
                INDArray g = op.output.grad;
                if (g != null) {
                    op.backward(this, g);
                    op.output.grad = null;
                }
            }
        }
        for (Variable v : variables) {
            if (v.gradStamp != step) {
                v.gradBuffer().assign(0);
                v.gradStamp = step;
            }
        }
    }

    /**
     * Adds {@code g} to the gradient of {@code t}. {@code shared} says that {@code g} may also be
     * handed to another tensor, so it must never be modified in place.
     */
    public void accumulate(Tensor t, INDArray g, boolean shared) {
        if (!t.requiresGrad) {
            return;
        }
        if (t.variable != null) {
            Variable v = t.variable;
            if (v.gradStamp != step) {
                v.gradBuffer().assign(g);
                v.gradStamp = step;
            } else {
                v.gradBuffer().addi(g);
            }
            return;
        }
        if (t.grad == null) {
            t.grad = g;
            t.gradShared = shared;
        } else if (t.gradShared) {
            INDArray sum = ArrayPool.alloc(g.dataType(), g.shape());
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp(t.grad, g, sum));
            t.grad = sum;
            t.gradShared = false;
        } else {
            t.grad.addi(g);
        }
    }

    /**
     * Where an op may write the gradient of a variable directly: {@code beta} is 0 for the first
     * contribution of this step (overwrite) and 1 after it (add). Call {@link #wrote} after writing.
     */
    public GradTarget gradTarget(Variable v) {
        return new GradTarget(v.gradBuffer(), v.gradStamp == step ? 1.0 : 0.0);
    }

    /** Marks the gradient of {@code v} as written in this step. */
    public void wrote(Variable v) {
        v.gradStamp = step;
    }

    /** Whether the gradient array of {@code t} belongs to it alone and may be overwritten in place. */
    public boolean ownsGrad(Tensor t) {
        return t.grad != null && !t.gradShared;
    }

    /** A gradient destination and whether to overwrite it (beta 0) or add to it (beta 1). */
    public record GradTarget(INDArray array, double beta) {}
}
