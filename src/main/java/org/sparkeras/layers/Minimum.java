package org.sparkeras.layers;

import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * The element-wise minimum of a list of inputs: {@code output = min(x_1, ..., x_k)}; the gradient
 * of each element goes to the input holding the minimum (the first of them on ties).
 *
 * <p>Arguments: none beyond the common ones (name, dtype).
 *
 * <p>Shapes: two or more inputs of one shape (batch, ...) -> output of that shape.
 *
 * <pre>{@code KerasTensor m = new Minimum().apply(a, b);}</pre>
 */
public class Minimum extends ElementwiseMerge {

    public Minimum() {}

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return Ops.minimum(a, b);
    }
}
