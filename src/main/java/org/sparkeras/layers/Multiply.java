package org.sparkeras.layers;

import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * Multiplies a list of inputs element-wise: {@code output = x_1 * x_2 * ... * x_k}.
 *
 * <p>Arguments: none beyond the common ones (name, dtype).
 *
 * <p>Shapes: two or more inputs of one shape (batch, ...) -> output of that shape.
 *
 * <pre>{@code KerasTensor gated = new Multiply().apply(h, gate);}</pre>
 */
public class Multiply extends ElementwiseMerge {

    public Multiply() {}

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return Ops.multiply(a, b);
    }
}
