package org.sparkeras.layers;

import java.util.Map;
import org.sparkeras.activations.ActivationFunction;
import org.sparkeras.autodiff.Tensor;

/**
 * Applies an activation function to its input. No weights; output shape = input shape.
 *
 * <p>Argument: activation (a Keras name or an {@link ActivationFunction}).
 *
 * <pre>{@code new Activation("relu")}</pre>
 */
public class Activation extends Layer {
    private final ActivationFunction activation;

    public Activation(String activation) {
        this(ActivationFunction.get(activation));
    }

    public Activation(ActivationFunction activation) {
        this.activation = activation;
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        return activation.apply(inputs);
    }

    /** The activation function applied. */
    public ActivationFunction activation() {
        return activation;
    }

    @Override
    protected void checkInput(int index, long[] perSample) {
        // Element-wise: any shape.
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("activation", activation.name());
        c.putAll(activation.getConfig());
        return c;
    }
}
