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
 * ActivationFunction.get("relu").apply(x);
 * ActivationFunction.leakyRelu(0.1).apply(x);
 * }</pre>
 */
public final class ActivationFunction {
    public static final ActivationFunction LINEAR = new ActivationFunction("linear", Map.of(), x -> x);
    public static final ActivationFunction RELU = new ActivationFunction("relu", Map.of(), x -> Ops.relu(x, false));
    public static final ActivationFunction SIGMOID = new ActivationFunction("sigmoid", Map.of(), Ops::sigmoid);
    public static final ActivationFunction TANH = new ActivationFunction("tanh", Map.of(), Ops::tanh);
    public static final ActivationFunction SOFTMAX = new ActivationFunction("softmax", Map.of(), Ops::softmax);
    public static final ActivationFunction SELU = new ActivationFunction("selu", Map.of(), Ops::selu);
    public static final ActivationFunction SOFTPLUS = new ActivationFunction("softplus", Map.of(), Ops::softplus);

    private final String name;
    private final Map<String, Object> config;
    private final Function<Tensor, Tensor> fn;

    private ActivationFunction(String name, Map<String, Object> config, Function<Tensor, Tensor> fn) {
        this.name = name;
        this.config = config;
        this.fn = fn;
    }

    /** ELU with the given alpha (Keras default 1.0). */
    public static ActivationFunction elu(double alpha) {
        return new ActivationFunction("elu", Map.of("alpha", alpha), x -> Ops.elu(x, alpha));
    }

    /** Leaky ReLU with the given negative slope (Keras default 0.2). */
    public static ActivationFunction leakyRelu(double negativeSlope) {
        return new ActivationFunction("leaky_relu", Map.of("negative_slope", negativeSlope), x -> Ops.leakyRelu(x, negativeSlope));
    }

    /** GELU, exact (Keras default) or with the tanh approximation. */
    public static ActivationFunction gelu(boolean approximate) {
        return new ActivationFunction("gelu", Map.of("approximate", approximate), x -> Ops.gelu(x, approximate));
    }

    /** Resolves a Keras activation name ("relu", "softmax", ...); null means linear. */
    public static ActivationFunction get(String name) {
        return name == null ? LINEAR : Registry.get(Registry.Kind.ACTIVATION, name, ActivationFunction.class);
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
