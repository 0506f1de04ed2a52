package org.sparkeras.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.InputLayer;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Shapes;

/**
 * A plain stack of layers, each with one input and one output, as Keras's {@code Sequential}.
 *
 * <pre>{@code
 * var model = new Sequential(
 *     new Flatten().inputShape(28, 28),
 *     new Dense(300, "relu"),
 *     new Dense(100, "relu"),
 *     new Dense(10, "softmax"));
 * model.add(new Dense(10));  // or build it up with add / pop
 * }</pre>
 *
 * The model is built as soon as its input shape is known: from an {@link Input}, from the first
 * layer's {@code inputShape}, or from the first data it sees.
 */
public class Sequential extends Model {
    private final List<Layer> stack = new ArrayList<>();
    private InputLayer inputLayer;
    private long[] inputShape;

    public Sequential(Layer... layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    public Sequential(Input input, Layer... layers) {
        add(input);
        for (Layer l : layers) {
            add(l);
        }
    }

    /** Sets the model's input; must come before any layer. */
    public Sequential add(Input input) {
        if (!stack.isEmpty() || inputLayer != null) {
            throw new IllegalArgumentException("Sequential model \"" + name() + "\": an Input must be added first, before "
                    + "any layer");
        }
        inputLayer = input.layer();
        inputShape = input.shape();
        return this;
    }

    /** Adds a layer on top of the stack, building it at once when the model is built. */
    public Sequential add(Layer layer) {
        if (layer == this) {
            throw new IllegalArgumentException("A model cannot be added to itself");
        }
        if (layer instanceof InputLayer in) {
            return add(Input.of(in.name(), in.dtype(), in.shape()));
        }
        for (Layer l : stack) {
            if (l.name().equals(layer.name())) {
                throw new IllegalArgumentException("All layers added to a Sequential model should have unique names. Name \""
                        + layer.name() + "\" is already the name of a layer in this model.");
            }
        }
        if (stack.isEmpty() && inputShape == null && layer.declaredInputShape() != null) {
            inputShape = layer.declaredInputShape();
        }
        stack.add(layer);
        if (isModelBuilt()) {
            long[] shape = stack.size() == 1 ? inputShape : stack.get(stack.size() - 2).outputShape();
            layer.buildFor(shape);
        } else if (inputShape != null) {
            build(List.of(inputShape));
        }
        return this;
    }

    /** Removes the top layer. */
    public Layer pop() {
        if (stack.isEmpty()) {
            throw new IllegalStateException("There are no layers in the model \"" + name() + "\".");
        }
        return stack.remove(stack.size() - 1);
    }

    @Override
    public List<Layer> layers() {
        return List.copyOf(stack);
    }

    @Override
    public List<long[]> inputShapes() {
        List<long[]> l = new ArrayList<>();
        l.add(inputShape == null ? null : inputShape.clone());
        return l;
    }

    @Override
    public List<String> outputNames() {
        return List.of(stack.isEmpty() ? "output" : stack.get(stack.size() - 1).name());
    }

    @Override
    public List<long[]> outputShapes() {
        if (stack.isEmpty()) {
            return List.of(inputShape);
        }
        return List.of(stack.get(stack.size() - 1).outputShape());
    }

    @Override
    public void build(List<long[]> perSampleShapes) {
        if (perSampleShapes.size() != 1) {
            throw new IllegalArgumentException("Sequential model \"" + name() + "\" takes 1 input, received "
                    + perSampleShapes.size());
        }
        long[] shape = perSampleShapes.get(0);
        if (inputShape != null && !Arrays.equals(inputShape, shape)) {
            throw new IllegalArgumentException("Input 0 of layer \"" + name() + "\" is incompatible: expected shape "
                    + Shapes.withBatch(inputShape) + ", received " + Shapes.withBatch(shape));
        }
        inputShape = shape.clone();
        for (Layer l : stack) {
            if (!l.isBuilt()) {
                l.dtype(dtype());
            }
            shape = l.buildFor(shape);
        }
        markBuilt(perSampleShapes);
    }

    @Override
    public List<Tensor> call(List<Tensor> inputs, boolean training) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("Sequential model \"" + name() + "\" takes 1 input, received " + inputs.size());
        }
        Tensor x = inputs.get(0);
        for (Layer l : stack) {
            x = l.apply(x, training);
        }
        return List.of(x);
    }

    @Override
    public long[] computeOutputShape(long[] shape) {
        long[] s = shape;
        for (Layer l : stack) {
            s = l.computeOutputShape(s);
        }
        return s;
    }
}
