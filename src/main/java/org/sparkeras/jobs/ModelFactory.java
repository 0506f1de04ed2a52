package org.sparkeras.jobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.saving.Registry;

/**
 * Builds the model a job config describes: a Sequential stack, a functional graph (layers with
 * {@code inbound} lists naming inputs or earlier layers), or a subclassed model from the closed
 * table {@link #SUBCLASSES} of classes registered here.
 */
final class ModelFactory {
    /** Subclassed models a config may name; new ones are registered here explicitly. */
    static final Map<String, Function<Map<String, Object>, Model>> SUBCLASSES = Map.of(
            "WideAndDeepModel", args -> new WideAndDeepModel(
                    args.get("units") == null ? 30 : ((Number) args.get("units")).intValue(),
                    args.get("activation") == null ? "relu" : args.get("activation").toString()));

    private ModelFactory() {}

    static Model build(JobConfig.ModelSpec spec) {
        String type = spec.type() == null ? "" : spec.type().toLowerCase(java.util.Locale.ROOT);
        Model model = switch (type) {
            case "sequential" -> sequential(spec);
            case "functional" -> functional(spec);
            case "subclass" -> subclass(spec);
            default -> throw new BadInputException("Unknown model.type \"" + spec.type()
                    + "\"; known types: sequential, functional, subclass");
        };
        if (spec.name() != null && !type.equals("functional")) {
            model.named(spec.name());
        }
        return model;
    }

    private static Sequential sequential(JobConfig.ModelSpec spec) {
        require(spec.inputShape(), "model.input_shape");
        require(spec.layers(), "model.layers");
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            Map<String, Object> l = new HashMap<>(spec.layers().get(i));
            layers.add(layer(l, i));
        }
        if (layers.isEmpty()) {
            throw new BadInputException("model.layers is empty");
        }
        layers.get(0).inputShape(spec.inputShape().stream().mapToLong(Long::longValue).toArray());
        return new Sequential(layers.toArray(new Layer[0]));
    }

    private static Model functional(JobConfig.ModelSpec spec) {
        require(spec.inputs(), "model.inputs");
        require(spec.layers(), "model.layers");
        require(spec.outputs(), "model.outputs");
        Map<String, KerasTensor> tensors = new LinkedHashMap<>();
        List<Input> inputs = new ArrayList<>();
        for (JobConfig.InputSpec in : spec.inputs()) {
            if (in.name() == null || in.shape() == null) {
                throw new BadInputException("model.inputs entries need a name and a shape, received " + in);
            }
            Input input = Input.of(in.name(), in.shape().stream().mapToLong(Long::longValue).toArray());
            inputs.add(input);
            tensors.put(in.name(), input);
        }
        for (int i = 0; i < spec.layers().size(); i++) {
            Map<String, Object> l = new HashMap<>(spec.layers().get(i));
            Object inbound = l.remove("inbound");
            if (!(inbound instanceof List<?> names) || names.isEmpty()) {
                throw new BadInputException("model.layers[" + i + "] needs \"inbound\": the names of the inputs or layers it "
                        + "is applied to");
            }
            if (l.get("name") == null) {
                throw new BadInputException("model.layers[" + i + "] needs a name in a functional model");
            }
            Layer layer = layer(l, i);
            List<KerasTensor> args = new ArrayList<>();
            for (Object n : names) {
                KerasTensor t = tensors.get(String.valueOf(n));
                if (t == null) {
                    throw new BadInputException("model.layers[" + i + "] (\"" + layer.name() + "\"): unknown inbound \"" + n
                            + "\"; defined so far: " + tensors.keySet());
                }
                args.add(t);
            }
            try {
                tensors.put(layer.name(), layer.apply(args.toArray(new KerasTensor[0])));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("model.layers[" + i + "]: " + e.getMessage());
            }
        }
        List<KerasTensor> outputs = new ArrayList<>();
        for (String o : spec.outputs()) {
            KerasTensor t = tensors.get(o);
            if (t == null) {
                throw new BadInputException("model.outputs: unknown layer \"" + o + "\"; known: " + tensors.keySet());
            }
            outputs.add(t);
        }
        try {
            return Model.of(spec.name(), inputs, outputs);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("model: " + e.getMessage());
        }
    }

    private static Model subclass(JobConfig.ModelSpec spec) {
        Function<Map<String, Object>, Model> f = SUBCLASSES.get(spec.className());
        if (f == null) {
            throw new BadInputException("Unknown model.class_name \"" + spec.className() + "\"; registered subclassed models: "
                    + new java.util.TreeSet<>(SUBCLASSES.keySet()));
        }
        return f.apply(spec.args() == null ? Map.of() : spec.args());
    }

    private static Layer layer(Map<String, Object> l, int i) {
        Object cls = l.remove("class_name");
        if (cls == null) {
            throw new BadInputException("model.layers[" + i + "] needs a class_name, e.g. Dense");
        }
        try {
            return Registry.create(Registry.Kind.LAYER, cls.toString(), l, Layer.class);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("model.layers[" + i + "]: " + e.getMessage());
        }
    }

    private static void require(Object v, String key) {
        if (v == null) {
            throw new BadInputException("Missing config key \"" + key + "\"");
        }
    }
}
