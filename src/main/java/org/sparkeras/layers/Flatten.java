package org.sparkeras.layers;

import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * Flattens each sample to one dimension: (batch, d1, ..., dk) -> (batch, d1 * ... * dk). No weights.
 *
 * <pre>{@code new Flatten().inputShape(28, 28)   // (None, 28, 28) -> (None, 784)}</pre>
 */
public class Flatten extends Layer {

    public Flatten() {}

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        long n = inputs.size(0);
        long rest = Shapes.size(Shapes.perSample(inputs.shape()));
        return inputs.rank() == 2 ? inputs : Ops.reshape(inputs, n, rest);
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        return new long[] {Shapes.size(inputShape)};
    }

    @Override
    protected void checkInput(int index, long[] perSample) {
        long[] expected = builtInputShape();
        if (expected != null && Shapes.size(expected) != Shapes.size(perSample)) {
            throw new IllegalArgumentException("Input " + index + " of layer \"" + name() + "\" is incompatible: expected "
                    + "shape " + Shapes.withBatch(expected) + ", received " + Shapes.withBatch(perSample));
        }
    }
}
