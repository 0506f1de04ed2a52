package org.sparkeras.activations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.saving.Registry;

/**
 * An activation function, as Keras's {@code keras.activations}: a name, its arguments and the op
 * it applies. Instances are immutable values.
 *
 * <pre>{@code
 * Activation.get("relu").apply(x);
 * Activation.leakyRelu(0.1).apply(x);
 * }</pre>
 */
public final class Activation {
    public static final Activation LINEAR = new Activation("linear", Map.of(), x -> x);
    public static final Activation RELU = new Activation("relu", Map.of(), x -> Ops.relu(x, false));
    public static final Activation SIGMOID = new Activation("sigmoid", Map.of(), Ops::sigmoid);
    public static final Activation TANH = new Activation("tanh", Map.of(), Ops::tanh);
    public static final Activation SOFTMAX = new Activation("softmax", Map.of(), Ops::softmax);
    public static final Activation SELU = new Activation("selu", Map.of(), Ops::selu);
    public static final Activation SOFTPLUS = new Activation("softplus", Map.of(), Ops::softplus);

    private final String name;
    private final Map<String, Object> config;
    private final Function<Tensor, Tensor> fn;

    private Activation(String name, Map<String, Object> config, Function<Tensor, Tensor> fn) {
        this.name = name;
        this.config = config;
        this.fn = fn;
    }

    /** ELU with the given alpha (Keras default 1.0). */
    public static Activation elu(double alpha) {
        return new Activation("elu", Map.of("alpha", alpha), x -> Ops.elu(x, alpha));
    }

    /** Leaky ReLU with the given negative slope (Keras default 0.2). */
    public static Activation leakyRelu(double negativeSlope) {
        return new Activation("leaky_relu", Map.of("negative_slope", negativeSlope), x -> Ops.leakyRelu(x, negativeSlope));
    }

    /** GELU, exact (Keras default) or with the tanh approximation. */
    public static Activation gelu(boolean approximate) {
        return new Activation("gelu", Map.of("approximate", approximate), x -> Ops.gelu(x, approximate));
    }

    /** Resolves a Keras activation name ("relu", "softmax", ...); null means linear. */
    public static Activation get(String name) {
        return name == null ? LINEAR : Registry.get(Registry.Kind.ACTIVATION, name, Activation.class);
    }

    /** Applies the activation. */
    public Tensor apply(Tensor x) {
        return fn.apply(x);
    }

    /**
     * Applies the activation reusing x's array when the function allows it (ReLU); x must not be
     * needed by its producer's backward pass. Dense layers use this on their affine output.
     */
    public Tensor applyInPlace(Tensor x) {
        return this == RELU ? Ops.relu(x, true) : fn.apply(x);
    }

    public String name() {
        return name;
    }

    /** The arguments of a parameterised activation, empty for the others. */
    public Map<String, Object> getConfig() {
        return new LinkedHashMap<>(config);
    }

    @Override
    public String toString() {
        return config.isEmpty() ? name : name + config;
    }
}
