package org.sparkeras.models;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.InputLayer;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Node;
import org.sparkeras.layers.Shapes;

/**
 * A model defined as a graph of layers applied to symbolic tensors (Keras's Functional API),
 * created with {@link Model#of}. The graph is checked when the model is created: every output must
 * be computable from the given inputs and every input must reach an output. Layers run in
 * topological order; a layer applied several times (shared) runs once per application with the
 * same weights; a model can be applied as a layer.
 *
 * <pre>{@code
 * Input wide = Input.of("wide_input", 5), deep = Input.of("deep_input", 6);
 * KerasTensor h = new Dense(30, "relu").apply(deep);
 * KerasTensor out = new Dense(1).named("main_output").apply(new Concatenate().apply(wide, h));
 * Model model = Model.of(List.of(wide, deep), List.of(out));
 * }</pre>
 */
public class Functional extends Model {
    private final List<Input> inputs;
    private final List<KerasTensor> outputs;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();

    Functional(List<Input> inputs, List<KerasTensor> outputs, String name) {
        if (inputs.isEmpty() || outputs.isEmpty()) {
            throw new IllegalArgumentException("A functional model needs at least one input and one output, received "
                    + inputs.size() + " inputs and " + outputs.size() + " outputs");
        }
        if (name != null) {
            named(name);
        }
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        Set<String> names = new HashSet<>();
        for (Input in : inputs) {
            if (!names.add(in.name())) {
                throw new IllegalArgumentException("Model \"" + name() + "\": two inputs are named \"" + in.name() + "\"");
            }
        }
        IdentityHashMap<Node, Integer> state = new IdentityHashMap<>();
        for (KerasTensor out : outputs) {
            visit(out, state, new ArrayList<>());
        }
        Set<KerasTensor> reached = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : nodes) {
            reached.addAll(n.inputs());
        }
        reached.addAll(outputs);
        for (Input in : inputs) {
            if (!reached.contains(in)) {
                throw new IllegalArgumentException("Model \"" + name() + "\": input \"" + in.name()
                        + "\" is not connected to any output " + outputNames());
            }
        }
        IdentityHashMap<Layer, Boolean> seen = new IdentityHashMap<>();
        for (Input in : inputs) {
            seen.put(in.layer(), true);
            layers.add(in.layer());
        }
        for (Node n : nodes) {
            if (seen.put(n.layer(), true) == null) {
                layers.add(n.layer());
            }
        }
        List<long[]> shapes = new ArrayList<>();
        for (Input in : inputs) {
            shapes.add(in.shape());
        }
        markBuilt(shapes);
    }

    /** Depth-first, post-order collection of the nodes that compute {@code t}; rejects cycles and dangling tensors. */
    private void visit(KerasTensor t, IdentityHashMap<Node, Integer> state, List<String> path) {
        Node node = t.node();
        if (node == null) {
            for (Input in : inputs) {
                if (in == t) {
                    return;
                }
            }
            throw new IllegalArgumentException("Graph disconnected: cannot obtain value for tensor \"" + t.name()
                    + "\" at layer \"" + t.source().name() + "\"" + (path.isEmpty() ? "" : " (needed by " + path + ")")
                    + ". It is an input that was not passed to Model.of; the model's inputs are " + inputNames());
        }
        Integer s = state.get(node);
        if (s != null) {
            if (s == 1) {
                throw new IllegalArgumentException("The graph of model \"" + name() + "\" has a cycle through layer \""
                        + node.layer().name() + "\"");
            }
            return;
        }
        state.put(node, 1);
        path.add(node.layer().name());
        for (KerasTensor in : node.inputs()) {
            visit(in, state, path);
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        nodes.add(node);
    }

    @Override
    public List<Layer> layers() {
        return List.copyOf(layers);
    }

    @Override
    public int inputCount() {
        return inputs.size();
    }

    /** The names of the inputs, in order (the names to use in maps). */
    @Override
    public List<String> inputNames() {
        return inputs.stream().map(Input::name).toList();
    }

    @Override
    public List<String> outputNames() {
        List<String> names = new ArrayList<>();
        for (KerasTensor o : outputs) {
            names.add(o.node() == null ? o.name() : o.source().name());
        }
        return names;
    }

    @Override
    public List<long[]> inputShapes() {
        return inputs.stream().map(KerasTensor::shape).toList();
    }

    @Override
    public List<long[]> outputShapes() {
        return outputs.stream().map(KerasTensor::shape).toList();
    }

    @Override
    public void build(List<long[]> perSampleShapes) {
        // Built when created: the symbolic calls built every layer.
    }

    @Override
    public List<Tensor> call(List<Tensor> values, boolean training) {
        if (values.size() != inputs.size()) {
            throw new IllegalArgumentException("Model \"" + name() + "\" expects " + inputs.size() + " inputs "
                    + inputNames() + ", received " + values.size());
        }
        IdentityHashMap<KerasTensor, Tensor> computed = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            computed.put(inputs.get(i), values.get(i));
        }
        for (Node node : nodes) {
            List<Tensor> args = new ArrayList<>(node.inputs().size());
            for (KerasTensor in : node.inputs()) {
                args.add(computed.get(in));
            }
            List<Tensor> outs = node.layer().invoke(args, training);
            for (int i = 0; i < outs.size(); i++) {
                computed.put(node.outputs().get(i), outs.get(i));
            }
        }
        List<Tensor> result = new ArrayList<>(outputs.size());
        for (KerasTensor o : outputs) {
            result.add(computed.get(o));
        }
        return result;
    }

    @Override
    protected List<Layer> summaryLayers() {
        return layers();
    }

    @Override
    protected String connectedTo(Layer layer) {
        if (layer instanceof InputLayer) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (Node n : nodes) {
            if (n.layer() == layer) {
                for (KerasTensor in : n.inputs()) {
                    parts.add(in.source().name());
                }
            }
        }
        return String.join(", ", parts);
    }

    @Override
    protected boolean showsConnections() {
        return true;
    }

    /** The layer applications in the order they run. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The input tensors, for inspection. */
    public List<Input> inputs() {
        return inputs;
    }

    /** The output tensors, for inspection. */
    public List<KerasTensor> outputs() {
        return outputs;
    }

    /** A map from output name to output index. */
    Map<String, Integer> outputIndex() {
        Map<String, Integer> m = new LinkedHashMap<>();
        List<String> names = outputNames();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), i);
        }
        return m;
    }

    static String shapes(List<long[]> shapes) {
        return shapes.stream().map(Shapes::withBatch).toList().toString();
    }
}
