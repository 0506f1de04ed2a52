package org.sparkeras.layers;

import java.util.Map;
import org.sparkeras.autodiff.Tensor;

/**
 * The entry point of a model: passes its input through and fixes the per-sample input shape.
 * Usually created through {@link Input#of}.
 *
 * <p>Arguments: shape (per sample, required), name. Output shape: the input shape.
 */
public final class InputLayer extends Layer {
    private final long[] shape;

    public InputLayer(long... shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("InputLayer needs a shape, e.g. new InputLayer(28, 28)");
        }
        inputShape(shape);
        this.shape = shape.clone();
    }

    /** The per-sample shape. */
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        return inputs;
    }

    @Override
    public Map<String, Object> getConfig() {
        return super.getConfig();
    }
}
