package org.sparkeras.layers;

import java.util.List;
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
public class Minimum extends Merge {

    public Minimum() {}

    @Override
    public void build(List<long[]> inputShapes) {
        // Checks the shapes before the layer counts as built.
        computeOutputShape(inputShapes);
    }

    @Override
    public Tensor call(List<Tensor> inputs, boolean training) {
        Tensor out = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            out = Ops.minimum(out, inputs.get(i));
        }
        return out;
    }

    @Override
    public long[] computeOutputShape(List<long[]> inputShapes) {
        return SameShape.of(this, inputShapes);
    }
}
