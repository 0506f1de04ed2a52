package org.sparkeras.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.initializers.Initializer;
import org.sparkeras.regularizers.Regularizer;

/**
 * The base of every layer, with Keras's lifecycle: the constructor takes the arguments,
 * {@link #build(long[])} creates the weights for the first input shape it sees, {@link #call}
 * computes, {@link #computeOutputShape} infers shapes, {@link #getConfig()} describes the layer.
 * Shapes passed to {@code build} and {@code computeOutputShape} exclude the batch dimension.
 *
 * <p>{@link #apply(Tensor, boolean)} is the entry point: it builds on first use and checks the input
 * against the shape the layer was built for, so a mismatch fails with the layer's name, the input
 * index and both shapes rather than deep inside a matrix product.
 */
public abstract class Layer {
    private String name;
    private boolean trainable = true;
    private boolean built;
    private long[] declaredInputShape;
    private long[] builtInputShape;
    private long[] outputShape;
    private DataType dtype = DataType.FLOAT;
    private final List<Variable> weights = new ArrayList<>();
    private final Set<Variable> alwaysFrozen = new HashSet<>();
    private final Map<Variable, Regularizer> regularizers = new LinkedHashMap<>();

    protected Layer() {}

    // ---------------------------------------------------------------- fluent configuration

    /** Sets the layer's name (unique names are generated otherwise: "dense", "dense_1", ...). */
    @SuppressWarnings("unchecked")
    public <T extends Layer> T named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Layer name must not be empty");
        }
        if (this.name != null && !this.name.equals(name) && built) {
            throw new IllegalStateException("Layer \"" + this.name + "\" is already built; rename it before use");
        }
        this.name = name;
        return (T) this;
    }

    /** Declares the per-sample input shape (Keras's {@code input_shape}), for the first layer of a model. */
    @SuppressWarnings("unchecked")
    public <T extends Layer> T inputShape(long... shape) {
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("Layer \"" + name() + "\": input_shape dimensions must be positive, received "
                        + Arrays.toString(shape));
            }
        }
        this.declaredInputShape = shape.clone();
        return (T) this;
    }

    /** Sets the data type of the layer's weights and computation: FLOAT (default) or DOUBLE. */
    @SuppressWarnings("unchecked")
    public <T extends Layer> T dtype(DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("Layer \"" + name() + "\": dtype must be FLOAT or DOUBLE, received " + type);
        }
        if (built && type != dtype) {
            throw new IllegalStateException("Layer \"" + name() + "\" is already built with dtype " + dtype);
        }
        this.dtype = type;
        return (T) this;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Creates the weights for inputs of this per-sample shape. The default creates none. */
    public void build(long[] inputShape) {
    }

    /** Computes the layer on a batch. */
    public abstract Tensor call(Tensor inputs, boolean training);

    /** The per-sample output shape for a per-sample input shape; the default is the input shape. */
    public long[] computeOutputShape(long[] inputShape) {
        return inputShape.clone();
    }

    /** The layer's arguments by Keras name, starting with name, trainable and dtype. */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("trainable", trainable);
        c.put("dtype", dtype == DataType.DOUBLE ? "float64" : "float32");
        if (declaredInputShape != null) {
            c.put("batch_input_shape", batchShapeList(declaredInputShape));
        }
        return c;
    }

    /** The Keras class name used in configs and summaries ("Dense"). */
    public String className() {
        return getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- use

    /**
     * Builds the layer on first use, checks the input and calls it. Models call layers only
     * through this method (an active {@link CallTrace} records the call).
     */
    public Tensor apply(Tensor input, boolean training) {
        CallTrace trace = CallTrace.enter();
        Tensor out = null;
        try {
            long[] perSample = Shapes.perSample(input.shape());
            if (!built) {
                buildFor(perSample);
            } else {
                checkInput(0, perSample);
            }
            out = call(input, training);
            return out;
        } finally {
            if (trace != null) {
                trace.exit(this, List.of(input), out == null ? null : List.of(out));
            }
        }
    }

    /**
     * Applies the layer to symbolic tensors (the Functional API): builds it for their shapes, checks
     * them, and returns the symbolic output. A layer applied twice shares its weights.
     *
     * <pre>{@code KerasTensor h = new Dense(30, "relu").apply(input); }</pre>
     */
    public KerasTensor apply(KerasTensor... inputs) {
        List<KerasTensor> outs = applySymbolic(List.of(inputs));
        if (outs.size() != 1) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" has " + outs.size() + " outputs; use applyAll");
        }
        return outs.get(0);
    }

    /** Applies the layer to symbolic tensors and returns every output (several for a nested model). */
    public List<KerasTensor> applySymbolic(List<KerasTensor> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" was applied to no inputs");
        }
        List<long[]> shapes = new ArrayList<>();
        for (KerasTensor t : inputs) {
            shapes.add(t.shape());
        }
        List<long[]> outShapes = inferShapes(shapes);
        List<KerasTensor> outs = new ArrayList<>();
        for (int i = 0; i < outShapes.size(); i++) {
            outs.add(new KerasTensor(outShapes.get(i), dtype, outShapes.size() == 1 ? name() : name() + "_" + i, this));
        }
        Node node = new Node(this, List.copyOf(inputs), List.copyOf(outs));
        for (KerasTensor o : outs) {
            o.setNode(node);
        }
        return outs;
    }

    /**
     * The per-sample output shapes for these input shapes, building the layer on first use. Used by
     * functional models; single-input layers take exactly one input.
     */
    public List<long[]> inferShapes(List<long[]> inputShapes) {
        if (inputShapes.size() != 1) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (" + className() + ") expects 1 input, received "
                    + inputShapes.size());
        }
        return List.of(buildFor(inputShapes.get(0)));
    }

    /** Runs the layer on concrete tensors, one per input, returning one tensor per output. */
    public List<Tensor> invoke(List<Tensor> inputs, boolean training) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (" + className() + ") expects 1 input, received "
                    + inputs.size());
        }
        return List.of(apply(inputs.get(0), training));
    }

    /** Marks a multi-input layer built (see {@link Merge}). */
    void markMergeBuilt(List<long[]> shapes) {
        built = true;
        outputShape = ((Merge) this).computeOutputShape(shapes);
    }

    /** Builds the layer for this per-sample input shape if it is not built yet; returns its output shape. */
    public long[] buildFor(long[] perSampleInputShape) {
        if (!built) {
            build(perSampleInputShape.clone());
            builtInputShape = perSampleInputShape.clone();
            outputShape = computeOutputShape(perSampleInputShape);
            built = true;
        } else {
            checkInput(0, perSampleInputShape);
        }
        return outputShape.clone();
    }

    /**
     * Checks an input's per-sample shape against the shape the layer was built for. The default
     * requires the same rank and the same last dimension, as Keras's InputSpec of Dense does.
     */
    protected void checkInput(int index, long[] perSample) {
        long[] expected = builtInputShape;
        if (expected == null) {
            return;
        }
        if (perSample.length != expected.length) {
            throw new IllegalArgumentException("Input " + index + " of layer \"" + name() + "\" is incompatible: expected "
                    + "shape " + Shapes.withBatch(expected) + " (rank " + (expected.length + 1) + "), received "
                    + Shapes.withBatch(perSample) + " (rank " + (perSample.length + 1) + ")");
        }
        if (expected.length > 0 && perSample[perSample.length - 1] != expected[expected.length - 1]) {
            throw new IllegalArgumentException("Input " + index + " of layer \"" + name() + "\" is incompatible: expected "
                    + "last dimension " + expected[expected.length - 1] + ", received " + perSample[perSample.length - 1]
                    + " (input shape " + Shapes.withBatch(perSample) + ")");
        }
    }

    /** Adds a weight; called from {@link #build}. Its path is {@code <layer name>/<name>}. */
    protected Variable addWeight(String weightName, long[] shape, Initializer initializer, Regularizer regularizer,
            boolean trainableWeight) {
        INDArray value = initializer.initialize(shape, dtype);
        Variable v = new Variable(name() + "/" + weightName, value, trainableWeight && trainable);
        weights.add(v);
        if (!trainableWeight) {
            alwaysFrozen.add(v);
        }
        if (regularizer != null) {
            regularizers.put(v, regularizer);
        }
        return v;
    }

    /** The regularization penalties of this layer's weights, as scalar tensors on the active tape. */
    public List<Tensor> regularizationLosses() {
        List<Tensor> out = new ArrayList<>();
        for (Map.Entry<Variable, Regularizer> e : regularizers.entrySet()) {
            out.add(e.getValue().penalty(e.getKey().read()));
        }
        return out;
    }

    // ---------------------------------------------------------------- state

    public String name() {
        if (name == null) {
            name = Names.unique(Names.snakeCase(className()));
        }
        return name;
    }

    public boolean isBuilt() {
        return built;
    }

    public DataType dtype() {
        return dtype;
    }

    /** The per-sample input shape declared with {@link #inputShape}, or null. */
    public long[] declaredInputShape() {
        return declaredInputShape == null ? null : declaredInputShape.clone();
    }

    /** The per-sample output shape once built, or null. */
    public long[] outputShape() {
        return outputShape == null ? null : outputShape.clone();
    }

    /** The per-sample input shape the layer was built for, or null. */
    public long[] builtInputShape() {
        return builtInputShape == null ? null : builtInputShape.clone();
    }

    public boolean trainable() {
        return trainable;
    }

    /** Freezes or unfreezes the layer: frozen weights are not updated and count as non-trainable. */
    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        for (Variable v : weights) {
            v.setTrainable(trainable && !alwaysFrozen.contains(v));
        }
    }

    /** All weights in creation order. */
    public List<Variable> weights() {
        return List.copyOf(weights);
    }

    public List<Variable> trainableWeights() {
        return weights().stream().filter(Variable::trainable).toList();
    }

    public List<Variable> nonTrainableWeights() {
        return weights().stream().filter(v -> !v.trainable()).toList();
    }

    /** Copies of the weight values, in creation order (Keras's get_weights). */
    public List<INDArray> getWeights() {
        return weights().stream().map(v -> v.value().dup()).toList();
    }

    /** Sets every weight from a list in creation order; counts and shapes must match exactly. */
    public void setWeights(List<INDArray> values) {
        List<Variable> ws = weights();
        if (values.size() != ws.size()) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" expects " + ws.size() + " weight arrays, received "
                    + values.size());
        }
        for (int i = 0; i < ws.size(); i++) {
            if (!Arrays.equals(values.get(i).shape(), ws.get(i).shape())) {
                throw new IllegalArgumentException("Layer \"" + name() + "\" weight " + i + " (" + ws.get(i).name()
                        + ") has shape " + Shapes.of(ws.get(i).shape()) + ", received " + Shapes.of(values.get(i).shape()));
            }
        }
        for (int i = 0; i < ws.size(); i++) {
            ws.get(i).assign(values.get(i).castTo(ws.get(i).value().dataType()));
        }
    }

    /** The number of weight values. */
    public long countParams() {
        long n = 0;
        for (Variable v : weights()) {
            n += v.size();
        }
        return n;
    }

    static List<Object> batchShapeList(long[] perSample) {
        List<Object> l = new ArrayList<>();
        l.add(null);
        for (long d : perSample) {
            l.add(d);
        }
        return l;
    }

    @Override
    public String toString() {
        return "<" + className() + " name=" + name() + (built ? ", built" : "") + ">";
    }
}
