package org.sparkeras.saving;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one registry that resolves string identifiers ({@code "adam"}, {@code "relu"},
 * {@code "sparse_categorical_crossentropy"}) and, when loading, type names read from a file. It is
 * closed: only the built-ins and what a caller registers explicitly can be created, and no class is
 * ever loaded by a name. Names are matched case-insensitively with {@code _} ignored, so
 * {@code "MeanSquaredError"} and {@code "mean_squared_error"} are one name.
 */
public final class Registry {
    /** The kinds of objects the registry resolves. */
    public enum Kind {
        ACTIVATION("activation", "activations"), INITIALIZER("initializer", "initializers"),
        REGULARIZER("regularizer", "regularizers"), LOSS("loss", "losses"), OPTIMIZER("optimizer", "optimizers"),
        METRIC("metric", "metrics"), LAYER("layer", "layers"), MODEL("model", "models"), CALLBACK("callback", "callbacks");

        private final String label;
        private final String plural;

        Kind(String label, String plural) {
            this.label = label;
            this.plural = plural;
        }

        public String label() {
            return label;
        }

        public String plural() {
            return plural;
        }
    }

    private record Entry(String canonical, Function<Map<String, Object>, ?> factory) {}

    private static final Map<Kind, Map<String, Entry>> ENTRIES = new EnumMap<>(Kind.class);

    static {
        for (Kind k : Kind.values()) {
            ENTRIES.put(k, new LinkedHashMap<>());
        }
        BuiltIns.registerAll();
    }

    private Registry() {}

    /**
     * Registers a factory under a canonical name and optional aliases. Used by the built-ins and by
     * callers for their own layers and objects.
     */
    public static synchronized void register(Kind kind, String name, Function<Map<String, Object>, ?> factory,
            String... aliases) {
        Entry e = new Entry(name, factory);
        ENTRIES.get(kind).put(key(name), e);
        for (String a : aliases) {
            ENTRIES.get(kind).put(key(a), e);
        }
    }

    /** Creates the object registered under {@code name} with its default configuration. */
    public static <T> T get(Kind kind, String name, Class<T> type) {
        return create(kind, name, Map.of(), type);
    }

    /** Creates the object registered under {@code name} from a configuration map. */
    public static synchronized <T> T create(Kind kind, String name, Map<String, Object> config, Class<T> type) {
        if (name == null) {
            throw new IllegalArgumentException("Missing " + kind.label() + " name; known: " + names(kind));
        }
        Entry e = ENTRIES.get(kind).get(key(name));
        if (e == null) {
            throw new IllegalArgumentException("Unknown " + kind.label() + ": \"" + name + "\". Known "
                    + kind.plural() + ": " + String.join(", ", names(kind)));
        }
        Object o = e.factory().apply(config == null ? Map.of() : config);
        return type.cast(o);
    }

    /** Whether {@code name} is registered for {@code kind}. */
    public static synchronized boolean contains(Kind kind, String name) {
        return name != null && ENTRIES.get(kind).containsKey(key(name));
    }

    /** The canonical names registered for {@code kind}, sorted. */
    public static synchronized Set<String> names(Kind kind) {
        Set<String> out = new TreeSet<>();
        for (Entry e : ENTRIES.get(kind).values()) {
            out.add(e.canonical());
        }
        return Collections.unmodifiableSet(out);
    }

    private static String key(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }
}
