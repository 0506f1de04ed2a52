package org.sparkeras.layers;

import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * Adds a list of inputs element-wise: {@code output = x_1 + x_2 + ... + x_k}.
 *
 * <p>Arguments: none beyond the common ones (name, dtype).
 *
 * <p>Shapes: two or more inputs of one shape (batch, ...) -> output of that shape.
 *
 * <pre>{@code KerasTensor sum = new Add().apply(residual, h);}</pre>
 */
public class Add extends ElementwiseMerge {

    public Add() {}

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return Ops.add(a, b);
    }
}
