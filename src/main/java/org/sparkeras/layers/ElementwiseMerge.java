package org.sparkeras.layers;

import java.util.Arrays;
import java.util.List;
import org.sparkeras.autodiff.Tensor;

/**
 * The base of the element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum):
 * every input has the same per-sample shape, which is also the output shape, and the output folds
 * {@link #combine} over the inputs from left to right.
 */
public abstract class ElementwiseMerge extends Merge {

    /** The element-wise combination of two inputs. */
    protected abstract Tensor combine(Tensor a, Tensor b);

    @Override
    public void build(List<long[]> inputShapes) {
        // Checks the shapes before the layer counts as built.
        computeOutputShape(inputShapes);
    }

    @Override
    public Tensor call(List<Tensor> inputs, boolean training) {
        Tensor out = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            out = combine(out, inputs.get(i));
        }
        return out;
    }

    /** The common shape of the inputs, or an error naming the layer and listing every shape. */
    @Override
    public long[] computeOutputShape(List<long[]> inputShapes) {
        long[] first = inputShapes.get(0);
        for (long[] s : inputShapes) {
            if (!Arrays.equals(s, first)) {
                throw new IllegalArgumentException("Layer \"" + name() + "\" (" + className()
                        + ") expects inputs of the same shape, received shapes " + Shapes.list(inputShapes));
            }
        }
        return first.clone();
    }
}
