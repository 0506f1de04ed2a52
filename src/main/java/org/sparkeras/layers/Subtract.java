package org.sparkeras.layers;

import java.util.List;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * Subtracts the second input from the first, element-wise: {@code output = x_1 - x_2}.
 *
 * <p>Arguments: none beyond the common ones (name, dtype).
 *
 * <p>Shapes: exactly two inputs of one shape (batch, ...) -> output of that shape.
 *
 * <pre>{@code KerasTensor diff = new Subtract().apply(a, b);}</pre>
 */
public class Subtract extends Merge {

    public Subtract() {}

    @Override
    public void build(List<long[]> inputShapes) {
        // Checks the shapes before the layer counts as built.
        computeOutputShape(inputShapes);
    }

    @Override
    public Tensor call(List<Tensor> inputs, boolean training) {
        checkCount(inputs.size());
        return Ops.subtract(inputs.get(0), inputs.get(1));
    }

    @Override
    public long[] computeOutputShape(List<long[]> inputShapes) {
        checkCount(inputShapes.size());
        return SameShape.of(this, inputShapes);
    }

    private void checkCount(int received) {
        if (received != 2) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Subtract) expects exactly 2 inputs, received "
                    + received);
        }
    }
}
