package org.sparkeras.layers;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's automatic names: the first Dense is "dense", the next "dense_1", and so on, per prefix and
 * per process. {@link #reset()} starts the counts over (Keras's {@code clear_session}).
 */
public final class Names {
    private static final Map<String, Integer> COUNTS = new HashMap<>();

    private Names() {}

    /** The next unused name for this prefix. */
    public static synchronized String unique(String prefix) {
        int n = COUNTS.merge(prefix, 1, Integer::sum) - 1;
        return n == 0 ? prefix : prefix + "_" + n;
    }

    /** Forgets every name handed out. */
    public static synchronized void reset() {
        COUNTS.clear();
    }

    /** "BatchNormalization" -> "batch_normalization". */
    public static String snakeCase(String className) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < className.length(); i++) {
            char c = className.charAt(i);
            if (Character.isUpperCase(c) && i > 0
                    && (Character.isLowerCase(className.charAt(i - 1))
                            || (i + 1 < className.length() && Character.isLowerCase(className.charAt(i + 1))))) {
                b.append('_');
            }
            b.append(Character.toLowerCase(c));
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
