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
public class Average extends Merge {

    public Average() {}

    @Override
    public void build(List<long[]> inputShapes) {
        // Checks the shapes before the layer counts as built.
        computeOutputShape(inputShapes);
    }

    @Override
    public Tensor call(List<Tensor> inputs, boolean training) {
        Tensor sum = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            sum = Ops.add(sum, inputs.get(i));
        }
        return Ops.scale(sum, 1.0 / inputs.size());
    }

    @Override
    public long[] computeOutputShape(List<long[]> inputShapes) {
        return SameShape.of(this, inputShapes);
    }
}
