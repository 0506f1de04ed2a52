package org.sparkeras.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkeras.activations.ActivationFunction;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.initializers.Constant;
import org.sparkeras.initializers.GlorotUniform;
import org.sparkeras.initializers.Initializer;
import org.sparkeras.regularizers.Regularizer;

/**
 * The densely connected layer: {@code output = activation(input · kernel + bias)}.
 *
 * <p>Arguments: units (required, positive); activation (default none, i.e. linear); use_bias
 * (true); kernel_initializer ("glorot_uniform"); bias_initializer ("zeros"); kernel_regularizer and
 * bias_regularizer (none).
 *
 * <p>Shapes: input (batch, ..., in) -> output (batch, ..., units); the kernel is (in, units) and the
 * bias (units). Inputs of rank above 2 are multiplied along their last axis.
 *
 * <pre>{@code new Dense(300, "relu")}</pre>
 *
 * <p>Computed as one matrix product and one rank-1 bias update (direct BLAS calls); the activation
 * runs in place on the product when it can (ReLU).
 */
public class Dense extends Layer {
    private final int units;
    private ActivationFunction activation = ActivationFunction.LINEAR;
    private boolean useBias = true;
    private Initializer kernelInitializer = new GlorotUniform();
    private Initializer biasInitializer = Constant.zeros();
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Variable kernel;
    private Variable bias;

    public Dense(int units) {
        if (units <= 0) {
            throw new IllegalArgumentException("Dense: units must be a positive integer, received " + units);
        }
        this.units = units;
    }

    public Dense(int units, String activation) {
        this(units);
        this.activation = ActivationFunction.get(activation);
    }

    public Dense(int units, ActivationFunction activation) {
        this(units);
        this.activation = activation;
    }

    public Dense activation(String name) {
        this.activation = ActivationFunction.get(name);
        return this;
    }

    public Dense useBias(boolean useBias) {
        this.useBias = useBias;
        return this;
    }

    public Dense kernelInitializer(Initializer initializer) {
        this.kernelInitializer = initializer;
        return this;
    }

    public Dense kernelInitializer(String name) {
        return kernelInitializer(Initializer.get(name));
    }

    public Dense biasInitializer(Initializer initializer) {
        this.biasInitializer = initializer;
        return this;
    }

    public Dense biasInitializer(String name) {
        return biasInitializer(Initializer.get(name));
    }

    public Dense kernelRegularizer(Regularizer regularizer) {
        this.kernelRegularizer = regularizer;
        return this;
    }

    public Dense kernelRegularizer(String name) {
        return kernelRegularizer(Regularizer.get(name));
    }

    public Dense biasRegularizer(Regularizer regularizer) {
        this.biasRegularizer = regularizer;
        return this;
    }

    public Dense biasRegularizer(String name) {
        return biasRegularizer(Regularizer.get(name));
    }

    @Override
    public void build(long[] inputShape) {
        if (inputShape.length == 0) {
            throw new IllegalArgumentException("Input 0 of layer \"" + name() + "\" is incompatible: expected rank >= 2, "
                    + "received shape (None,)");
        }
        long in = inputShape[inputShape.length - 1];
        kernel = addWeight("kernel", new long[] {in, units}, kernelInitializer, kernelRegularizer, true);
        if (useBias) {
            bias = addWeight("bias", new long[] {units}, biasInitializer, biasRegularizer, true);
        }
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        Tensor x = inputs;
        long[] shape = inputs.shape();
        if (shape.length != 2) {
            x = Ops.reshape(inputs, inputs.value().length() / shape[shape.length - 1], shape[shape.length - 1]);
        }
        Tensor z = Ops.linear(x, kernel.read(), bias == null ? null : bias.read());
        if (shape.length != 2) {
            long[] out = shape.clone();
            out[out.length - 1] = units;
            z = Ops.reshape(z, out);
        }
        return activation.applyInPlace(z);
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        long[] out = inputShape.clone();
        out[out.length - 1] = units;
        return out;
    }

    public int units() {
        return units;
    }

    public ActivationFunction activation() {
        return activation;
    }

    public Variable kernel() {
        return kernel;
    }

    public Variable bias() {
        return bias;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("units", units);
        c.put("activation", activation.name());
        c.put("use_bias", useBias);
        c.put("kernel_initializer", describe(kernelInitializer.name(), kernelInitializer.getConfig()));
        c.put("bias_initializer", describe(biasInitializer.name(), biasInitializer.getConfig()));
        c.put("kernel_regularizer", kernelRegularizer == null ? null
                : describe(kernelRegularizer.name(), kernelRegularizer.getConfig()));
        c.put("bias_regularizer", biasRegularizer == null ? null
                : describe(biasRegularizer.name(), biasRegularizer.getConfig()));
        return c;
    }

    static Map<String, Object> describe(String className, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", className);
        m.put("config", config);
        return m;
    }
}
