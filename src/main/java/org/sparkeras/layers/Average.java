package org.sparkeras.layers;

import java.util.List;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * Averages a list of inputs element-wise: {@code output = (x_1 + ... + x_k) / k}.
 *
 * <p>Arguments: none beyond the common ones (name, dtype).
 *
 * <p>Shapes: two or more inputs of one shape (batch, ...) -> output of that shape.
 *
 * <pre>{@code KerasTensor ensemble = new Average().apply(out1, out2, out3);}</pre>
 */
public class Average extends ElementwiseMerge {

    public Average() {}

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return Ops.add(a, b);
    }

    @Override
    public Tensor call(List<Tensor> inputs, boolean training) {
        return Ops.scale(super.call(inputs, training), 1.0 / inputs.size());
    }
}
