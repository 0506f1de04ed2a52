package org.sparkeras.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A named weight of a layer ({@code dense/kernel}). Its value may be a view into a model's flat
 * parameter vector ({@link ParameterStore}); {@link #assign} copies into it so the view stays valid.
 * Frozen (non-trainable) variables get no gradient and are not updated.
 */
public final class Variable {
    private final String name;
    private final long[] shape;
    private INDArray value;
    private boolean trainable;
    private INDArray grad;
    long gradStamp = -1;

    public Variable(String name, INDArray value, boolean trainable) {
        this.name = name;
        this.value = value;
        this.shape = value.shape().clone();
        this.trainable = trainable;
    }

    public String name() {
        return name;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long size() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    public INDArray value() {
        return value;
    }

    public boolean trainable() {
        return trainable;
    }

    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
    }

    /** Copies {@code newValue} into this variable; the shapes must match exactly. */
    public void assign(INDArray newValue) {
        if (!Arrays.equals(newValue.shape(), shape)) {
            throw new IllegalArgumentException("Variable \"" + name + "\" has shape " + Arrays.toString(shape)
                    + ", received a value of shape " + Arrays.toString(newValue.shape()));
        }
        value.assign(newValue);
    }

    /**
     * A tensor reading this variable. While a tape records, a trainable variable's tensor needs a
     * gradient, which lands in {@link #grad()}.
     */
    public Tensor read() {
        return new Tensor(value, null, this, trainable && Tape.active() != null);
    }

    /** The gradient of the last backward pass (a view into the flat gradient when packed). */
    public INDArray grad() {
        return grad;
    }

    /** Re-points value and gradient at views of flat vectors (see {@link ParameterStore}). */
    void bind(INDArray valueView, INDArray gradView) {
        valueView.assign(value);
        this.value = valueView;
        this.grad = gradView;
    }

    INDArray gradBuffer() {
        if (grad == null) {
            grad = value.ulike();
        }
        return grad;
    }

    @Override
    public String toString() {
        return "Variable(" + name + ", " + Arrays.toString(shape) + (trainable ? "" : ", frozen") + ")";
    }
}
