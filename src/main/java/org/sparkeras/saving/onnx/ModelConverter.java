package org.sparkeras.saving.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.activations.ActivationFunction;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.layers.Activation;
import org.sparkeras.layers.Add;
import org.sparkeras.layers.Average;
import org.sparkeras.layers.BatchNormalization;
import org.sparkeras.layers.CallTrace;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Dot;
import org.sparkeras.layers.Dropout;
import org.sparkeras.layers.Flatten;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.InputLayer;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Maximum;
import org.sparkeras.layers.Minimum;
import org.sparkeras.layers.Multiply;
import org.sparkeras.layers.Node;
import org.sparkeras.layers.Normalization;
import org.sparkeras.layers.Reshape;
import org.sparkeras.layers.Shapes;
import org.sparkeras.layers.Subtract;
import org.sparkeras.models.Functional;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;

/**
 * Converts a built model into ONNX nodes and initializers, layer by layer (the mapping is in the
 * class notes of {@link OnnxExport}). Sequential and Functional models are read from their
 * structure; any other model (a subclass) is traced: its {@code call} runs once on a zero batch
 * while a {@link CallTrace} records which layers it applied to which tensors. Nested models are
 * inlined, their value names prefixed with the model's name.
 *
 * <p>Layers are matched by exact class: a subclass of {@code Dense} may compute something else,
 * so it is refused like any layer without a conversion.
 */
final class ModelConverter {
    /** The batch size of the zero batch a subclassed model is traced with. */
    private static final int TRACE_BATCH = 2;

    /** An ONNX value and its per-sample shape (the batch dimension is dynamic). */
    record Value(String name, long[] shape) {}

    @FunctionalInterface
    private interface LayerConversion {
        List<Value> convert(ModelConverter c, Layer layer, List<Value> inputs, String base);
    }

    private static final Map<Class<? extends Layer>, LayerConversion> CONVERSIONS = new LinkedHashMap<>();

    static {
        CONVERSIONS.put(Dense.class, (c, l, in, base) -> c.dense((Dense) l, one(l, in), base));
        CONVERSIONS.put(Activation.class, (c, l, in, base) -> List.of(new Value(
                c.activation(l, ((Activation) l).activation(), one(l, in).name(), base), one(l, in).shape())));
        CONVERSIONS.put(Flatten.class, (c, l, in, base) -> c.flatten(one(l, in), base));
        CONVERSIONS.put(Reshape.class, (c, l, in, base) -> c.reshape((Reshape) l, one(l, in), base));
        // Identity at inference: the value passes through, no node.
        CONVERSIONS.put(Dropout.class, (c, l, in, base) -> List.of(one(l, in)));
        CONVERSIONS.put(InputLayer.class, (c, l, in, base) -> List.of(one(l, in)));
        CONVERSIONS.put(Concatenate.class, (c, l, in, base) -> c.concatenate((Concatenate) l, in, base));
        CONVERSIONS.put(Add.class, (c, l, in, base) -> c.fold("Add", in, base));
        CONVERSIONS.put(Subtract.class, (c, l, in, base) -> c.fold("Sub", in, base));
        CONVERSIONS.put(Multiply.class, (c, l, in, base) -> c.fold("Mul", in, base));
        CONVERSIONS.put(Maximum.class, (c, l, in, base) -> c.fold("Max", in, base));
        CONVERSIONS.put(Minimum.class, (c, l, in, base) -> c.fold("Min", in, base));
        CONVERSIONS.put(Average.class, (c, l, in, base) -> c.average(in, base));
        CONVERSIONS.put(Dot.class, (c, l, in, base) -> c.dot((Dot) l, in, base));
        CONVERSIONS.put(Normalization.class, (c, l, in, base) -> c.normalization((Normalization) l, one(l, in), base));
        CONVERSIONS.put(BatchNormalization.class,
                (c, l, in, base) -> c.batchNormalization((BatchNormalization) l, one(l, in), base));
    }

    /** The Keras class names of the layers that can be exported, for error messages. */
    static List<String> exportableLayers() {
        List<String> l = new ArrayList<>();
        for (Class<? extends Layer> c : CONVERSIONS.keySet()) {
            l.add(c.getSimpleName());
        }
        l.add("Sequential");
        l.add("Functional");
        l.add("traceable subclasses of Model");
        return l;
    }

    private final GraphBuilder g = new GraphBuilder();

    GraphBuilder graph() {
        return g;
    }

    // ---------------------------------------------------------------- models

    /** The outputs of {@code model} applied to {@code inputs}; {@code scope} prefixes every value name. */
    List<Value> model(Model model, List<Value> inputs, String scope) {
        if (!model.isModelBuilt()) {
            throw new OnnxExportException(model.name(), model.className(), "Model \"" + model.name() + "\" ("
                    + model.className() + ") is not built, so its shapes and weights are unknown: call it on data "
                    + "(fit, predict) or build() it before exporting");
        }
        if (inputs.size() != model.inputCount()) {
            throw new OnnxExportException(model.name(), model.className(), "Model \"" + model.name() + "\" ("
                    + model.className() + ") expects " + model.inputCount() + " input(s) " + model.inputNames()
                    + ", received " + inputs.size());
        }
        if (model.getClass() == Sequential.class) {
            return sequential((Sequential) model, inputs, scope);
        }
        if (model.getClass() == Functional.class) {
            return functional((Functional) model, inputs, scope);
        }
        return traced(model, inputs, scope);
    }

    private List<Value> sequential(Sequential model, List<Value> inputs, String scope) {
        List<Value> v = inputs;
        for (Layer l : model.layers()) {
            v = layer(l, v, scope);
            check(l, v.get(0), l.outputShape());
        }
        return v;
    }

    private List<Value> functional(Functional model, List<Value> inputs, String scope) {
        IdentityHashMap<KerasTensor, Value> values = new IdentityHashMap<>();
        List<Input> ins = model.inputs();
        for (int i = 0; i < ins.size(); i++) {
            values.put(ins.get(i), inputs.get(i));
        }
        for (Node node : model.nodes()) {
            List<Value> args = new ArrayList<>();
            for (KerasTensor t : node.inputs()) {
                args.add(values.get(t));
            }
            List<Value> outs = layer(node.layer(), args, scope);
            if (outs.size() != node.outputs().size()) {
                throw new IllegalStateException("Layer \"" + node.layer().name() + "\" converted to " + outs.size()
                        + " ONNX values for its " + node.outputs().size() + " outputs");
            }
            for (int i = 0; i < outs.size(); i++) {
                check(node.layer(), outs.get(i), node.outputs().get(i).shape());
                values.put(node.outputs().get(i), outs.get(i));
            }
        }
        List<Value> out = new ArrayList<>();
        for (KerasTensor t : model.outputs()) {
            out.add(values.get(t));
        }
        return out;
    }

    /**
     * A subclassed model: runs its {@code call} on a zero batch while a {@link CallTrace} records the
     * layer calls, then converts those calls in order. Every tensor a layer receives, and every
     * output, must be a model input or the output of a recorded call.
     */
    private List<Value> traced(Model model, List<Value> inputs, String scope) {
        List<Tensor> probes = new ArrayList<>();
        IdentityHashMap<Tensor, Value> values = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            long[] shape = inputs.get(i).shape();
            long[] full = new long[shape.length + 1];
            full[0] = TRACE_BATCH;
            System.arraycopy(shape, 0, full, 1, shape.length);
            Tensor t = Tensor.constant(Nd4j.zeros(model.dtype(), full));
            probes.add(t);
            values.put(t, inputs.get(i));
        }
        List<Tensor> outputs;
        List<CallTrace.Call> calls;
        try (CallTrace trace = CallTrace.start()) {
            try {
                outputs = model.call(probes, false);
            } catch (RuntimeException e) {
                throw new OnnxExportException(model.name(), model.className(), "Model \"" + model.name() + "\" ("
                        + model.className() + ") cannot be traced for ONNX export: its call on a zero batch of shapes "
                        + inputs.stream().map(v -> Shapes.withBatch(v.shape())).toList() + " failed: " + e.getMessage(), e);
            }
            calls = trace.calls();
        }
        for (CallTrace.Call call : calls) {
            List<Value> args = new ArrayList<>();
            for (int i = 0; i < call.inputs().size(); i++) {
                Value v = values.get(call.inputs().get(i));
                if (v == null) {
                    throw untraceable(model, "input " + i + " of layer \"" + call.layer().name() + "\" ("
                            + call.layer().className() + ")");
                }
                args.add(v);
            }
            List<Value> outs = layer(call.layer(), args, scope);
            if (outs.size() != call.outputs().size()) {
                throw new IllegalStateException("Layer \"" + call.layer().name() + "\" converted to " + outs.size()
                        + " ONNX values for its " + call.outputs().size() + " outputs");
            }
            for (int i = 0; i < outs.size(); i++) {
                Tensor t = call.outputs().get(i);
                check(call.layer(), outs.get(i), Shapes.perSample(t.shape()));
                values.put(t, outs.get(i));
            }
        }
        List<Value> result = new ArrayList<>();
        List<String> names = model.outputNames();
        for (int i = 0; i < outputs.size(); i++) {
            Value v = values.get(outputs.get(i));
            if (v == null) {
                throw untraceable(model, "output " + i + (i < names.size() ? " (\"" + names.get(i) + "\")" : ""));
            }
            result.add(v);
        }
        return result;
    }

    private static OnnxExportException untraceable(Model model, String what) {
        return new OnnxExportException(model.name(), model.className(), "Model \"" + model.name() + "\" ("
                + model.className() + ") cannot be exported to ONNX: its call(...) computes " + what + " outside any "
                + "layer call (with Ops, Tensor.constant, or a layer's call(...) used directly), so its graph cannot be "
                + "traced from its layers. Compute it with layers applied through apply(...) (e.g. new Add() instead of "
                + "Ops.add), or build the model with the Functional API");
    }

    /** Requires the shape the conversion derived to be the one the model computes. */
    private static void check(Layer layer, Value v, long[] expected) {
        if (expected != null && !Arrays.equals(v.shape(), expected)) {
            throw new IllegalStateException("ONNX conversion of layer \"" + layer.name() + "\" (" + layer.className()
                    + ") derived the output shape " + Shapes.withBatch(v.shape()) + ", the model computes "
                    + Shapes.withBatch(expected));
        }
    }

    // ---------------------------------------------------------------- layers

    /** The outputs of {@code layer} applied to {@code inputs}. */
    List<Value> layer(Layer layer, List<Value> inputs, String scope) {
        if (layer instanceof Model m) {
            return model(m, inputs, scope + m.name() + "/");
        }
        LayerConversion conversion = CONVERSIONS.get(layer.getClass());
        if (conversion == null) {
            throw unsupported(layer, "there is no ONNX conversion for its class " + layer.getClass().getName()
                    + "; exportable: " + exportableLayers());
        }
        return conversion.convert(this, layer, inputs, scope + layer.name());
    }

    static OnnxExportException unsupported(Layer layer, String why) {
        return new OnnxExportException(layer.name(), layer.className(), "Layer \"" + layer.name() + "\" ("
                + layer.className() + ") cannot be exported to ONNX: " + why);
    }

    private static Value one(Layer layer, List<Value> inputs) {
        if (inputs.size() != 1) {
            throw new IllegalStateException("Layer \"" + layer.name() + "\" (" + layer.className()
                    + ") takes 1 input, received " + inputs.size());
        }
        return inputs.get(0);
    }

    private static List<String> names(List<Value> values) {
        return values.stream().map(Value::name).toList();
    }

    /** Dense: Gemm for rank-2 inputs, else MatMul (+ Add of the bias), then the activation. */
    private List<Value> dense(Dense d, Value x, String base) {
        boolean linear = d.activation().name().equals("linear");
        String kernel = g.weight(d.kernel());
        String bias = d.bias() == null ? null : g.weight(d.bias());
        String z;
        if (x.shape().length == 1) {
            List<String> in = bias == null ? List.of(x.name(), kernel) : List.of(x.name(), kernel, bias);
            z = g.op("Gemm", linear ? base : base + "/Gemm", in);
        } else if (bias == null) {
            z = g.op("MatMul", linear ? base : base + "/MatMul", List.of(x.name(), kernel));
        } else {
            z = g.op("MatMul", base + "/MatMul", List.of(x.name(), kernel));
            z = g.op("Add", linear ? base : base + "/BiasAdd", List.of(z, bias));
        }
        return List.of(new Value(activation(d, d.activation(), z, base), d.computeOutputShape(x.shape())));
    }

    /** The activation as ONNX ops on value {@code x}; the result is named after {@code base}. */
    String activation(Layer layer, ActivationFunction f, String x, String base) {
        Map<String, Object> config = f.getConfig();
        switch (f.name()) {
            case "linear":
                return x;
            case "relu":
                return g.op("Relu", base, List.of(x));
            case "sigmoid":
                return g.op("Sigmoid", base, List.of(x));
            case "tanh":
                return g.op("Tanh", base, List.of(x));
            case "softplus":
                return g.op("Softplus", base, List.of(x));
            case "softmax":
                return g.op("Softmax", base, List.of(x), OnnxProto.Attribute.of("axis", -1L));
            case "selu":
                // The constants of Ops.selu (Klambauer et al.), as float32.
                return g.op("Selu", base, List.of(x), OnnxProto.Attribute.of("alpha", 1.6732632423543772f),
                        OnnxProto.Attribute.of("gamma", 1.0507009873554805f));
            case "elu":
                return g.op("Elu", base, List.of(x), OnnxProto.Attribute.of("alpha", number(config, "alpha")));
            case "leaky_relu":
                return g.op("LeakyRelu", base, List.of(x),
                        OnnxProto.Attribute.of("alpha", number(config, "negative_slope")));
            case "gelu":
                return gelu(x, base, Boolean.TRUE.equals(config.get("approximate")));
            default:
                throw unsupported(layer, "its activation \"" + f.name() + "\" has no ONNX conversion; exportable "
                        + "activations: linear, relu, sigmoid, tanh, softmax, softplus, selu, elu, leaky_relu, gelu");
        }
    }

    private static float number(Map<String, Object> config, String key) {
        return ((Number) config.get(key)).floatValue();
    }

    /**
     * GELU from opset-17 ops (the Gelu op arrived in opset 20): exact {@code 0.5 x (1 + erf(x / sqrt 2))},
     * or the tanh form {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}.
     */
    private String gelu(String x, String base, boolean approximate) {
        String inner;
        if (approximate) {
            String cube = g.op("Mul", base + "/cube", List.of(g.op("Mul", base + "/square", List.of(x, x)), x));
            String sum = g.op("Add", base + "/sum",
                    List.of(x, g.op("Mul", base + "/cube_scaled", List.of(cube, g.scalar(base + "/k", 0.044715f)))));
            String scaled = g.op("Mul", base + "/scaled", List.of(sum, g.scalar(base + "/c", (float) Math.sqrt(2 / Math.PI))));
            inner = g.op("Tanh", base + "/tanh", List.of(scaled));
        } else {
            inner = g.op("Erf", base + "/erf", List.of(
                    g.op("Div", base + "/scaled", List.of(x, g.scalar(base + "/sqrt2", (float) Math.sqrt(2))))));
        }
        String onePlus = g.op("Add", base + "/one_plus", List.of(inner, g.scalar(base + "/one", 1f)));
        String times = g.op("Mul", base + "/times_x", List.of(x, onePlus));
        return g.op("Mul", base, List.of(times, g.scalar(base + "/half", 0.5f)));
    }

    private List<Value> flatten(Value x, String base) {
        if (x.shape().length == 1) {
            return List.of(x);
        }
        return List.of(new Value(g.op("Flatten", base, List.of(x.name()), OnnxProto.Attribute.of("axis", 1L)),
                new long[] {Shapes.size(x.shape())}));
    }

    /** Reshape to (batch, target...): the shape input's 0 copies the batch dimension. */
    private List<Value> reshape(Reshape r, Value x, String base) {
        long[] out = r.computeOutputShape(x.shape());
        long[] shape = new long[out.length + 1];
        System.arraycopy(out, 0, shape, 1, out.length);
        return List.of(new Value(g.op("Reshape", base, List.of(x.name(), g.int64s(base + "/shape", shape))), out));
    }

    private List<Value> concatenate(Concatenate c, List<Value> in, String base) {
        List<long[]> shapes = in.stream().map(Value::shape).toList();
        return List.of(new Value(g.op("Concat", base, names(in), OnnxProto.Attribute.of("axis", (long) c.axis())),
                c.computeOutputShape(shapes)));
    }

    /** An element-wise merge as a left fold of binary ops, as the layer computes it. */
    private List<Value> fold(String op, List<Value> in, String base) {
        String acc = in.get(0).name();
        for (int i = 1; i < in.size(); i++) {
            acc = g.op(op, i == in.size() - 1 ? base : base + "/" + op + "_" + i, List.of(acc, in.get(i).name()));
        }
        return List.of(new Value(acc, in.get(0).shape()));
    }

    /** Average: the left-fold sum times 1/k (Average.call scales the sum). */
    private List<Value> average(List<Value> in, String base) {
        String sum = fold("Add", in, base + "/sum").get(0).name();
        String scale = g.scalar(base + "/scale", (float) (1.0 / in.size()));
        return List.of(new Value(g.op("Mul", base, List.of(sum, scale)), in.get(0).shape()));
    }

    /**
     * Dot of two (batch, d) inputs along axis 1: ReduceSum(a * b, axis 1, keepdims); with normalize,
     * each input is first divided by max(its L2 norm, 1e-7).
     */
    private List<Value> dot(Dot d, List<Value> in, String base) {
        if (in.size() != 2) {
            throw new IllegalStateException("Layer \"" + d.name() + "\" (Dot) takes 2 inputs, received " + in.size());
        }
        String a = in.get(0).name(), b = in.get(1).name();
        if (d.normalize()) {
            String eps = g.scalar(base + "/epsilon", 1e-7f);
            a = l2Normalize(a, eps, base + "/normalized_0");
            b = l2Normalize(b, eps, base + "/normalized_1");
        }
        String product = g.op("Mul", base + "/product", List.of(a, b));
        String sum = g.op("ReduceSum", base, List.of(product, g.int64s(base + "/axes", 1)),
                OnnxProto.Attribute.of("keepdims", 1L));
        return List.of(new Value(sum, d.computeOutputShape(List.of(in.get(0).shape(), in.get(1).shape()))));
    }

    private String l2Normalize(String x, String eps, String base) {
        String norm = g.op("ReduceL2", base + "/norm", List.of(x), OnnxProto.Attribute.of("axes", new long[] {1}),
                OnnxProto.Attribute.of("keepdims", 1L));
        return g.op("Div", base, List.of(x, g.op("Max", base + "/norm_floor", List.of(norm, eps))));
    }

    /** Normalization: (x - mean) / std, or x * std + mean with invert; per feature along the layer's axis. */
    private List<Value> normalization(Normalization n, Value x, String base) {
        Normalization.Statistics s;
        try {
            s = n.statistics();
        } catch (IllegalStateException e) {
            throw unsupported(n, e.getMessage());
        }
        long[] dims = featureDims(n, n.axis(), x.shape(), s.mean().length);
        String mean = g.floats(base + "/mean", dims, toFloats(s.mean()));
        String std = g.floats(base + "/std", dims, toFloats(s.std()));
        String out;
        if (n.invert()) {
            out = g.op("Add", base, List.of(g.op("Mul", base + "/scaled", List.of(x.name(), std)), mean));
        } else {
            out = g.op("Div", base, List.of(g.op("Sub", base + "/centered", List.of(x.name(), mean)), std));
        }
        return List.of(new Value(out, x.shape()));
    }

    /** BatchNormalization at inference: x * factor + offset, the per-feature affine map the layer computes. */
    private List<Value> batchNormalization(BatchNormalization bn, Value x, String base) {
        INDArray[] affine = bn.inferenceAffine();
        long[] dims = featureDims(bn, bn.axis(), x.shape(), affine[0].length());
        String factor = g.floats(base + "/factor", dims, affine[0]);
        String offset = g.floats(base + "/offset", dims, affine[1]);
        String scaled = g.op("Mul", base + "/scaled", List.of(x.name(), factor));
        return List.of(new Value(g.op("Add", base, List.of(scaled, offset)), x.shape()));
    }

    /**
     * The dimensions of a per-feature constant that broadcasts along {@code axis} (counted with the
     * batch): (features, 1, ..., 1) with one 1 per axis after it.
     */
    private static long[] featureDims(Layer layer, int axis, long[] perSample, long features) {
        int rank = perSample.length + 1;
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 1 || ax >= rank || perSample[ax - 1] != features) {
            throw unsupported(layer, "its feature axis " + axis + " does not fit the input shape "
                    + Shapes.withBatch(perSample) + " with " + features + " features");
        }
        long[] dims = new long[rank - ax];
        Arrays.fill(dims, 1);
        dims[0] = features;
        return dims;
    }

    private static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
