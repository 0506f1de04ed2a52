package org.sparkeras.saving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.InputLayer;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Node;
import org.sparkeras.models.Functional;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;

/**
 * A model's architecture as JSON in Keras's {@code class_name} / {@code config} form: a Sequential
 * lists its layers; a Functional lists its layers with their {@code inbound_nodes} (each node a list
 * of {@code [layer_name, node_index, tensor_index, {}]}, Keras 2's layout) and its
 * {@code input_layers} / {@code output_layers}. Layers are created back through the closed
 * {@link Registry}; nothing is loaded by a class name read from the text. A subclassed model is
 * written only when it implements {@code getConfig()} and its factory was registered by the caller
 * under {@link Registry.Kind#MODEL}; otherwise its architecture is Java code and only its weights
 * can be saved.
 */
public final class ModelConfig {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ModelConfig() {}

    /** The architecture of a Sequential or Functional model as a JSON string. */
    public static String toJson(Model model) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toConfig(model));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the config of model \"" + model.name() + "\"", e);
        }
    }

    /** A new, unbuilt-weights model (fresh initial values) from JSON written by {@link #toJson}. */
    public static Model fromJson(String json) {
        Map<String, Object> config;
        try {
            config = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Invalid model config: " + e.getOriginalMessage());
        }
        return fromConfig(config);
    }

    /** The {@code {class_name, config}} map of a model. */
    public static Map<String, Object> toConfig(Model model) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (model instanceof Sequential s) {
            m.put("class_name", "Sequential");
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", s.name());
            List<Object> layers = new ArrayList<>();
            long[] in = s.inputShapes().get(0);
            if (in != null) {
                Map<String, Object> input = new LinkedHashMap<>();
                input.put("class_name", "InputLayer");
                input.put("config", Map.of("batch_input_shape", batchShape(in),
                        "dtype", s.dtype() == DataType.DOUBLE ? "float64" : "float32"));
                layers.add(input);
            }
            for (Layer l : s.layers()) {
                layers.add(layerConfig(l));
            }
            c.put("layers", layers);
            m.put("config", c);
            return m;
        }
        if (model instanceof Functional f) {
            m.put("class_name", "Functional");
            m.put("config", functionalConfig(f));
            return m;
        }
        if (Registry.contains(Registry.Kind.MODEL, model.className()) && implementsGetConfig(model)) {
            m.put("class_name", model.className());
            m.put("config", model.getConfig());
            if (model.isModelBuilt()) {
                List<Object> shapes = new ArrayList<>();
                for (long[] s : model.inputShapes()) {
                    shapes.add(batchShape(s));
                }
                m.put("build_input_shapes", shapes);
            }
            return m;
        }
        throw new IllegalArgumentException("Model \"" + model.name() + "\" is a subclassed model (" + model.getClass().getName()
                + "): its architecture is Java code and cannot be written as a config; save and load its weights, "
                + "and create the model in code, or implement getConfig() and register a factory with "
                + "Registry.register(Registry.Kind.MODEL, \"" + model.className() + "\", config -> ...)");
    }

    /** Whether the model's own class (not Model or Layer) defines getConfig. */
    private static boolean implementsGetConfig(Model model) {
        try {
            Class<?> declaring = model.getClass().getMethod("getConfig").getDeclaringClass();
            return declaring != Layer.class && declaring != Model.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Map<String, Object> layerConfig(Layer l) {
        if (l instanceof Model nested) {
            return toConfig(nested);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", l.className());
        m.put("config", l.getConfig());
        return m;
    }

    private static Map<String, Object> functionalConfig(Functional f) {
        IdentityHashMap<Node, Integer> nodeIndex = new IdentityHashMap<>();
        IdentityHashMap<Layer, Integer> perLayer = new IdentityHashMap<>();
        for (Node n : f.nodes()) {
            nodeIndex.put(n, perLayer.merge(n.layer(), 1, Integer::sum) - 1);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", f.name());
        List<Object> layers = new ArrayList<>();
        for (Layer l : f.layers()) {
            Map<String, Object> lc = layerConfig(l);
            lc.put("name", l.name());
            List<Object> inbound = new ArrayList<>();
            for (Node n : f.nodes()) {
                if (n.layer() == l) {
                    List<Object> args = new ArrayList<>();
                    for (KerasTensor t : n.inputs()) {
                        args.add(ref(t, nodeIndex));
                    }
                    inbound.add(args);
                }
            }
            lc.put("inbound_nodes", inbound);
            layers.add(lc);
        }
        c.put("layers", layers);
        c.put("input_layers", f.inputs().stream().map(t -> ref(t, nodeIndex)).toList());
        c.put("output_layers", f.outputs().stream().map(t -> ref(t, nodeIndex)).toList());
        return c;
    }

    private static List<Object> ref(KerasTensor t, IdentityHashMap<Node, Integer> nodeIndex) {
        Node n = t.node();
        int node = n == null ? 0 : nodeIndex.get(n);
        int tensor = n == null ? 0 : n.outputs().indexOf(t);
        return List.of(t.source().name(), node, tensor, Map.of());
    }

    private static List<Object> batchShape(long[] perSample) {
        List<Object> l = new ArrayList<>();
        l.add(null);
        for (long d : perSample) {
            l.add(d);
        }
        return l;
    }

    /** A model from its {@code {class_name, config}} map. */
    @SuppressWarnings("unchecked")
    public static Model fromConfig(Map<String, Object> m) {
        Object cls = m.get("class_name");
        if (!(m.get("config") instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("Invalid model config: missing \"config\" object");
        }
        Map<String, Object> config = (Map<String, Object>) raw;
        if ("Sequential".equals(cls)) {
            return sequential(config);
        }
        if ("Functional".equals(cls) || "Model".equals(cls)) {
            return functional(config);
        }
        if (cls != null && Registry.contains(Registry.Kind.MODEL, cls.toString())) {
            Model model = Registry.create(Registry.Kind.MODEL, cls.toString(), config, Model.class);
            if (m.get("build_input_shapes") instanceof List<?> shapes) {
                List<long[]> perSample = new ArrayList<>();
                for (Object s : shapes) {
                    perSample.add(perSample(s));
                }
                model.build(perSample);
            }
            return model;
        }
        throw new IllegalArgumentException("Invalid model config: class_name \"" + cls
                + "\" is not a model type; known: Sequential, Functional and registered subclassed models");
    }

    @SuppressWarnings("unchecked")
    private static Sequential sequential(Map<String, Object> config) {
        Sequential s = new Sequential();
        if (config.get("name") != null) {
            s.named(config.get("name").toString());
        }
        for (Object o : list(config, "layers")) {
            Map<String, Object> lc = map(o, "layers[]");
            if ("InputLayer".equals(lc.get("class_name"))) {
                Map<String, Object> ic = map(lc.get("config"), "InputLayer config");
                s.add(Input.of(null, "float64".equals(ic.get("dtype")) ? DataType.DOUBLE : DataType.FLOAT,
                        perSample(ic.get("batch_input_shape"))));
            } else {
                s.add(layer(lc));
            }
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Model functional(Map<String, Object> config) {
        Map<String, Layer> layers = new LinkedHashMap<>();
        Map<String, Input> inputs = new LinkedHashMap<>();
        Map<String, List<List<Object>>> pendingNodes = new LinkedHashMap<>();
        for (Object o : list(config, "layers")) {
            Map<String, Object> lc = map(o, "layers[]");
            String name = String.valueOf(lc.get("name"));
            if (layers.containsKey(name) || inputs.containsKey(name)) {
                throw new IllegalArgumentException("Invalid model config: two layers are named \"" + name + "\"");
            }
            if ("InputLayer".equals(lc.get("class_name"))) {
                Map<String, Object> ic = map(lc.get("config"), "InputLayer config");
                inputs.put(name, Input.of(name, "float64".equals(ic.get("dtype")) ? DataType.DOUBLE : DataType.FLOAT,
                        perSample(ic.get("batch_input_shape"))));
                continue;
            }
            layers.put(name, layer(lc));
            List<List<Object>> nodes = new ArrayList<>();
            for (Object n : (List<Object>) lc.getOrDefault("inbound_nodes", List.of())) {
                nodes.add((List<Object>) n);
            }
            pendingNodes.put(name, nodes);
        }
        Map<String, List<List<KerasTensor>>> produced = new LinkedHashMap<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Map.Entry<String, List<List<Object>>> e : pendingNodes.entrySet()) {
                List<List<KerasTensor>> done = produced.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                while (done.size() < e.getValue().size()) {
                    List<KerasTensor> args = resolve(e.getValue().get(done.size()), inputs, produced);
                    if (args == null) {
                        break;
                    }
                    done.add(layers.get(e.getKey()).applySymbolic(args));
                    progress = true;
                }
            }
        }
        for (Map.Entry<String, List<List<Object>>> e : pendingNodes.entrySet()) {
            if (produced.get(e.getKey()).size() < e.getValue().size()) {
                throw new IllegalArgumentException("Invalid model config: the inputs of layer \"" + e.getKey()
                        + "\" never become available (unknown layer or cycle)");
            }
        }
        List<Input> ins = new ArrayList<>();
        for (Object r : list(config, "input_layers")) {
            String n = String.valueOf(((List<Object>) r).get(0));
            Input in = inputs.get(n);
            if (in == null) {
                throw new IllegalArgumentException("Invalid model config: input_layers names unknown input \"" + n + "\"");
            }
            ins.add(in);
        }
        List<KerasTensor> outs = new ArrayList<>();
        for (Object r : list(config, "output_layers")) {
            List<KerasTensor> t = resolve(List.of(r), inputs, produced);
            if (t == null) {
                throw new IllegalArgumentException("Invalid model config: output_layers names an unknown tensor " + r);
            }
            outs.add(t.get(0));
        }
        Object name = config.get("name");
        return Model.of(name == null ? null : name.toString(), ins, outs);
    }

    /** The tensors a node's references name, or null while one of them is not produced yet. */
    @SuppressWarnings("unchecked")
    private static List<KerasTensor> resolve(List<Object> refs, Map<String, Input> inputs,
            Map<String, List<List<KerasTensor>>> produced) {
        List<KerasTensor> out = new ArrayList<>();
        for (Object r : refs) {
            if (!(r instanceof List<?> l) || l.size() < 3) {
                throw new IllegalArgumentException("Invalid model config: a node reference must be [layer, node, tensor, {}], "
                        + "received " + r);
            }
            String layer = String.valueOf(l.get(0));
            int node = ((Number) l.get(1)).intValue(), tensor = ((Number) l.get(2)).intValue();
            if (inputs.containsKey(layer)) {
                out.add(inputs.get(layer));
                continue;
            }
            List<List<KerasTensor>> p = produced.get(layer);
            if (p == null || p.size() <= node) {
                return null;
            }
            if (tensor < 0 || tensor >= p.get(node).size()) {
                throw new IllegalArgumentException("Invalid model config: layer \"" + layer + "\" node " + node
                        + " has no output " + tensor);
            }
            out.add(p.get(node).get(tensor));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Layer layer(Map<String, Object> lc) {
        Object cls = lc.get("class_name");
        if ("Sequential".equals(cls) || "Functional".equals(cls)) {
            return fromConfig(lc);
        }
        if (Registry.contains(Registry.Kind.MODEL, String.valueOf(cls))) {
            return fromConfig(lc);
        }
        Map<String, Object> c = new LinkedHashMap<>(map(lc.get("config"), cls + " config"));
        return Registry.create(Registry.Kind.LAYER, String.valueOf(cls), c, Layer.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("Invalid model config: " + what + " is not an object");
        }
        return (Map<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> config, String key) {
        if (!(config.get(key) instanceof List<?> l)) {
            throw new IllegalArgumentException("Invalid model config: \"" + key + "\" is not a list");
        }
        return (List<Object>) l;
    }

    private static long[] perSample(Object batchShape) {
        if (!(batchShape instanceof List<?> l) || l.isEmpty()) {
            throw new IllegalArgumentException("Invalid model config: batch_input_shape must be a list, received " + batchShape);
        }
        return l.stream().skip(1).mapToLong(v -> ((Number) v).longValue()).toArray();
    }
}
