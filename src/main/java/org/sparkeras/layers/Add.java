package org.sparkeras.layers;

import java.util.List;
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
public class Add extends Merge {

    public Add() {}

    @Override
    public void build(List<long[]> inputShapes) {
        // Checks the shapes before the layer counts as built.
        computeOutputShape(inputShapes);
    }

    @Override
    public Tensor call(List<Tensor> inputs, boolean training) {
        Tensor out = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            out = Ops.add(out, inputs.get(i));
        }
        return out;
    }

    @Override
    public long[] computeOutputShape(List<long[]> inputShapes) {
        return SameShape.of(this, inputShapes);
    }
}
