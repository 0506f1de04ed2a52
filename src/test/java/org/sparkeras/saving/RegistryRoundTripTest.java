package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every name registered in the {@link Registry} (all kinds but MODEL): config -> object ->
 * config is identical. Each name is its own dynamic test. A registered name this test does not
 * list fails, so a newly registered class without a round trip is caught.
 */
class RegistryRoundTripTest {

    /** Names that can never be created from a configuration (they hold Java functions). */
    private static final Set<String> NOT_CONFIGURABLE = Set.of("LearningRateScheduler", "LambdaCallback");

    private static Map<Registry.Kind, Map<String, Map<String, Object>>> minimalConfigs(Path tmp) {
        Map<Registry.Kind, Map<String, Map<String, Object>>> m = new EnumMap<>(Registry.Kind.class);
        m.put(Registry.Kind.ACTIVATION, none("linear", "relu", "sigmoid", "tanh", "softmax", "selu", "softplus", "elu",
                "leaky_relu", "gelu"));
        m.put(Registry.Kind.INITIALIZER, none("glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
                "lecun_normal", "zeros", "ones", "constant", "random_normal", "random_uniform", "variance_scaling"));
        m.put(Registry.Kind.REGULARIZER, none("l1", "l2", "l1_l2"));
        m.put(Registry.Kind.LOSS, none("sparse_categorical_crossentropy", "categorical_crossentropy",
                "binary_crossentropy", "mean_squared_error", "mean_absolute_error", "huber"));
        m.put(Registry.Kind.OPTIMIZER, none("sgd", "adam", "rmsprop", "adagrad", "adamax", "nadam"));
        m.put(Registry.Kind.METRIC, none("accuracy", "sparse_categorical_accuracy", "categorical_accuracy",
                "binary_accuracy", "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "precision",
                "recall", "auc", "mean_squared_error", "mean_absolute_error", "root_mean_squared_error", "mean"));
        Map<String, Map<String, Object>> layers = none("Flatten", "Activation", "Add", "Subtract", "Multiply",
                "Average", "Maximum", "Minimum", "Concatenate", "Normalization", "BatchNormalization");
        layers.put("Dense", Map.of("units", 3));
        layers.put("Dropout", Map.of("rate", 0.5));
        layers.put("Reshape", Map.of("target_shape", List.of(2, 3)));
        layers.put("Dot", Map.of("axes", 1));
        List<Object> batchShape = new ArrayList<>();
        batchShape.add(null);
        batchShape.add(4);
        layers.put("InputLayer", Map.of("batch_input_shape", batchShape));
        m.put(Registry.Kind.LAYER, layers);
        Map<String, Map<String, Object>> callbacks = none("EarlyStopping", "ReduceLROnPlateau", "TerminateOnNaN");
        callbacks.put("CSVLogger", Map.of("filename", tmp.resolve("log.csv").toString()));
        callbacks.put("ModelCheckpoint", Map.of("filepath", tmp.resolve("model.keras").toString()));
        callbacks.put("BackupAndRestore", Map.of("backup_dir", tmp.resolve("backup").toString()));
        callbacks.put("TensorBoard", Map.of("log_dir", tmp.resolve("tb").toString()));
        m.put(Registry.Kind.CALLBACK, callbacks);
        return m;
    }

    private static Map<String, Map<String, Object>> none(String... names) {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, Map.of());
        }
        return m;
    }

    @TestFactory
    Stream<DynamicNode> everyRegisteredNameRoundTrips() throws Exception {
        Path tmp = Files.createTempDirectory("registry-round-trip");
        Map<Registry.Kind, Map<String, Map<String, Object>>> configs = minimalConfigs(tmp);
        List<DynamicNode> kinds = new ArrayList<>();
        for (Registry.Kind kind : Registry.Kind.values()) {
            if (kind == Registry.Kind.MODEL) {
                continue;
            }
            Map<String, Map<String, Object>> known = configs.get(kind);
            List<DynamicTest> tests = new ArrayList<>();
            for (String name : Registry.names(kind)) {
                tests.add(DynamicTest.dynamicTest(kind.label() + " " + name, () -> {
                    if (NOT_CONFIGURABLE.contains(name)) {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> Registry.create(kind, name, Map.of(), Object.class));
                        assertNotNull(e.getMessage());
                        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("configuration"),
                                "refusal should name the class and the reason: " + e.getMessage());
                        return;
                    }
                    if (!known.containsKey(name)) {
                        fail(kind.label() + " \"" + name + "\" is registered but RegistryRoundTripTest does not know "
                                + "how to create it; add its minimal configuration");
                    }
                    Object first = Registry.create(kind, name, known.get(name), Object.class);
                    Map<String, Object> config1 = config(first);
                    Object second = Registry.create(kind, name, config1, Object.class);
                    Map<String, Object> config2 = config(second);
                    assertEquals(normalize(config1), normalize(config2), kind.label() + " \"" + name
                            + "\" does not round-trip:\n  first:  " + config1 + "\n  second: " + config2);
                }));
            }
            kinds.add(DynamicContainer.dynamicContainer(kind.plural(), tests));
        }
        return kinds.stream();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Object o) throws Exception {
        Method m = o.getClass().getMethod("getConfig");
        m.setAccessible(true);
        Object c = m.invoke(o);
        assertNotNull(c, o.getClass().getName() + ".getConfig() returned null");
        return (Map<String, Object>) c;
    }

    /** Arrays (e.g. long[]) compared by content, so only values matter. */
    private static Object normalize(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, normalize(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(RegistryRoundTripTest::normalize).toList();
        }
        if (v != null && v.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                out.add(normalize(Array.get(v, i)));
            }
            return out;
        }
        return v;
    }
}
