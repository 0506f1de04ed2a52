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
public class Subtract extends ElementwiseMerge {

    public Subtract() {}

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return Ops.subtract(a, b);
    }

    @Override
    public long[] computeOutputShape(List<long[]> inputShapes) {
        if (inputShapes.size() != 2) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Subtract) expects exactly 2 inputs, received "
                    + inputShapes.size());
        }
        return super.computeOutputShape(inputShapes);
    }
}
