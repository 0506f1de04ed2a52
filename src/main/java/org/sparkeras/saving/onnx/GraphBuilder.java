package org.sparkeras.saving.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Host;

/**
 * Collects the nodes and initializers of one ONNX graph while a model is converted, and hands out
 * value names that are unique in the graph. Weights become float32 initializers once per
 * {@link Variable} (a shared layer's weights are stored once); values can be renamed at the end
 * (a model output takes the Keras output name).
 */
final class GraphBuilder {
    /** Protobuf messages are limited to 2 GiB; keep room for the rest of the model. */
    static final long MAX_INITIALIZER_BYTES = (1L << 31) - (16L << 20);

    private final Set<String> names = new HashSet<>();
    private final List<NodeSpec> nodes = new ArrayList<>();
    private final List<OnnxProto.Tensor> initializers = new ArrayList<>();
    private final IdentityHashMap<Variable, String> weights = new IdentityHashMap<>();
    private final Set<String> produced = new HashSet<>();
    private final Map<String, String> renamed = new HashMap<>();
    private long initializerBytes;

    private record NodeSpec(String opType, String name, List<String> inputs, String output,
            List<OnnxProto.Attribute> attributes) {}

    /** Claims {@code name} exactly (a graph input or output name); fails if it is taken. */
    void reserve(String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("The ONNX value name \"" + name + "\" is used twice");
        }
    }

    /** {@code base}, or {@code base_1}, {@code base_2}, ... : the first name not yet used, now claimed. */
    String unique(String base) {
        String name = base;
        for (int i = 1; names.contains(name); i++) {
            name = base + "_" + i;
        }
        names.add(name);
        return name;
    }

    /** Adds a node computing one new value named after {@code outputBase}; returns the value's name. */
    String op(String opType, String outputBase, List<String> inputs, OnnxProto.Attribute... attributes) {
        return opInto(opType, unique(outputBase), inputs, attributes);
    }

    /** Adds a node writing the value {@code output}, a name already claimed by {@link #reserve}. */
    String opInto(String opType, String output, List<String> inputs, OnnxProto.Attribute... attributes) {
        nodes.add(new NodeSpec(opType, output, List.copyOf(inputs), output, List.of(attributes)));
        produced.add(output);
        return output;
    }

    /** The initializer holding a weight, created on first use (float32, whatever the weight's type). */
    String weight(Variable v) {
        String name = weights.get(v);
        if (name == null) {
            name = floats(v.name(), v.shape(), Host.toFloats(v.value(), null));
            weights.put(v, name);
        }
        return name;
    }

    /** A float32 initializer of {@code values} (row-major) with the given dimensions. */
    String floats(String base, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return initializer(base, dims, OnnxProto.FLOAT, b.array());
    }

    /** A float32 initializer of an array's values, cast from its type, with the given dimensions. */
    String floats(String base, long[] dims, INDArray values) {
        return floats(base, dims, Host.toFloats(values, null));
    }

    /** A float32 scalar initializer (dimensions []). */
    String scalar(String base, float value) {
        return floats(base, new long[0], new float[] {value});
    }

    /** An int64 initializer (shapes and axes given to ops as inputs). */
    String int64s(String base, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return initializer(base, new long[] {values.length}, OnnxProto.INT64, b.array());
    }

    private String initializer(String base, long[] dims, int type, byte[] raw) {
        initializerBytes += raw.length;
        if (initializerBytes > MAX_INITIALIZER_BYTES) {
            throw new IllegalArgumentException("The model's weights need more than " + MAX_INITIALIZER_BYTES + " bytes "
                    + "(at initializer \"" + base + "\"): an ONNX protobuf file is limited to 2 GiB, and this exporter "
                    + "does not write external data");
        }
        String name = unique(base);
        initializers.add(new OnnxProto.Tensor(name, dims.clone(), type, raw));
        return name;
    }

    /** Whether {@code value} is written by a node of this graph (not a graph input or an initializer). */
    boolean isProduced(String value) {
        return produced.contains(value);
    }

    /**
     * Renames a value produced by a node to {@code to} (claimed with {@link #reserve}) everywhere in
     * the graph; the value must not have been renamed before.
     */
    void rename(String value, String to) {
        if (!produced.contains(value) || renamed.containsKey(value)) {
            throw new IllegalStateException("Cannot rename the ONNX value \"" + value + "\" to \"" + to + "\"");
        }
        renamed.put(value, to);
    }

    /** The name {@code value} ends up with. */
    String finalName(String value) {
        return renamed.getOrDefault(value, value);
    }

    /** The graph with every rename applied. */
    OnnxProto.Graph build(String name, List<OnnxProto.ValueInfo> inputs, List<OnnxProto.ValueInfo> outputs,
            String docString) {
        List<OnnxProto.Node> out = new ArrayList<>();
        for (NodeSpec n : nodes) {
            List<String> ins = n.inputs().stream().map(this::finalName).toList();
            String o = finalName(n.output());
            out.add(new OnnxProto.Node(n.opType(), finalName(n.name()), ins, List.of(o), n.attributes()));
        }
        return new OnnxProto.Graph(name, out, List.copyOf(initializers), inputs, outputs, docString);
    }
}
