package org.sparkeras.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A value in a computation: an {@code INDArray} plus, while a {@link Tape} records, the op that
 * produced it and its gradient. The first dimension is the batch. Tensors are cheap, short-lived
 * handles; the arrays of a training step come from the step's array pool.
 */
public final class Tensor {
    private final INDArray value;
    final Op creator;
    final Variable variable;
    final boolean requiresGrad;
    INDArray grad;
    boolean gradShared;

    Tensor(INDArray value, Op creator, Variable variable, boolean requiresGrad) {
        this.value = value;
        this.creator = creator;
        this.variable = variable;
        this.requiresGrad = requiresGrad;
    }

    /** A tensor that needs no gradient: data, labels, constants. */
    public static Tensor constant(INDArray value) {
        return new Tensor(value, null, null, false);
    }

    public INDArray value() {
        return value;
    }

    public long[] shape() {
        return value.shape().clone();
    }

    public long size(int dim) {
        return value.size(dim);
    }

    public int rank() {
        return value.rank();
    }

    public DataType dtype() {
        return value.dataType();
    }

    /** Whether a gradient flows back to this tensor in the current recording. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The op that produced this tensor while a tape recorded, or null. */
    public Op creator() {
        return creator;
    }

    /** The variable this tensor reads, or null. */
    public Variable variable() {
        return variable;
    }

    /** The gradient accumulated by the last backward pass, or null (variables keep theirs). */
    public INDArray grad() {
        return variable != null ? variable.grad() : grad;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(value.shape()) + (creator != null ? " <- " + creator.name() : "");
    }
}
