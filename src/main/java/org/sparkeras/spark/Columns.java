package org.sparkeras.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.sparkeras.models.Model;

/**
 * Which DataFrame columns feed which model input and output, by input and output name. An input
 * or output reads one Spark ML vector column, one {@code array<float|double|int|long>} column, or
 * a list of numeric columns (concatenated in the order given); a sample-weight column is optional.
 *
 * <pre>{@code
 * Columns.of().input("wide_input", "MedInc", "HouseAge")   // numeric columns
 *             .input("deep_input", "features")              // a vector column
 *             .output("main_output", "MedHouseVal")
 *             .output("aux_output", "MedHouseVal");
 * Columns.single("features", "label");                      // one input, one output
 * }</pre>
 */
public final class Columns implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The key that stands for "the model's only input/output" in {@link #single}. */
    private static final String ONLY = "\u0000only";

    private final LinkedHashMap<String, List<String>> inputs = new LinkedHashMap<>();
    private final LinkedHashMap<String, List<String>> outputs = new LinkedHashMap<>();
    private String sampleWeight;

    private Columns() {}

    /** An empty mapping to fill with {@link #input}, {@link #output} and {@link #sampleWeight}. */
    public static Columns of() {
        return new Columns();
    }

    /** The only input of the model from {@code features}, the only output from {@code label}. */
    public static Columns single(String features, String label) {
        Columns c = new Columns();
        c.inputs.put(ONLY, List.of(features));
        if (label != null) {
            c.outputs.put(ONLY, List.of(label));
        }
        return c;
    }

    /** The only input of the model from {@code features} (for predict: no targets). */
    public static Columns features(String... features) {
        Columns c = new Columns();
        c.inputs.put(ONLY, List.of(check("features", features)));
        return c;
    }

    /** Model input {@code inputName} from {@code columns}. */
    public Columns input(String inputName, String... columns) {
        inputs.put(inputName, List.of(check("input \"" + inputName + "\"", columns)));
        return this;
    }

    /** Model output {@code outputName}'s targets from {@code columns}. */
    public Columns output(String outputName, String... columns) {
        outputs.put(outputName, List.of(check("output \"" + outputName + "\"", columns)));
        return this;
    }

    /** Per-sample weights from a numeric column. */
    public Columns sampleWeight(String column) {
        this.sampleWeight = column;
        return this;
    }

    public String sampleWeight() {
        return sampleWeight;
    }

    /** Whether targets are mapped (false for a prediction-only mapping). */
    public boolean hasOutputs() {
        return !outputs.isEmpty();
    }

    private static String[] check(String what, String[] columns) {
        if (columns == null || columns.length == 0) {
            throw new IllegalArgumentException("Columns: " + what + " needs at least one column name");
        }
        for (String c : columns) {
            if (c == null || c.isEmpty()) {
                throw new IllegalArgumentException("Columns: " + what + " has an empty column name in "
                        + Arrays.toString(columns));
            }
        }
        return columns;
    }

    /** The column lists of the model's inputs, in input order; unknown or missing names fail. */
    public List<List<String>> inputsOf(Model model) {
        return resolve("input", model.inputNames(), inputs);
    }

    /** The column lists of the model's outputs, in output order; unknown or missing names fail. */
    public List<List<String>> outputsOf(Model model) {
        return resolve("output", model.outputNames(), outputs);
    }

    private static List<List<String>> resolve(String kind, List<String> names, Map<String, List<String>> given) {
        if (given.containsKey(ONLY)) {
            if (names.size() != 1) {
                throw new IllegalArgumentException("Columns.single/features maps one " + kind + ", but the model has "
                        + names.size() + " " + kind + "s " + names + "; map each with Columns." + kind + "(name, columns)");
            }
            return List.of(given.get(ONLY));
        }
        TreeSet<String> unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(names);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Columns map unknown " + kind + " name(s) " + unknown + "; the model's "
                    + kind + "s are " + names);
        }
        List<List<String>> out = new ArrayList<>();
        for (String n : names) {
            List<String> cols = given.get(n);
            if (cols == null) {
                throw new IllegalArgumentException("Columns map no column to " + kind + " \"" + n + "\"; the model's "
                        + kind + "s are " + names + ", mapped: " + new TreeSet<>(given.keySet()));
            }
            out.add(cols);
        }
        return out;
    }

    @Override
    public String toString() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", inputs);
        m.put("outputs", outputs);
        m.put("sample_weight", sampleWeight);
        return m.toString().replace(ONLY, "*");
    }
}
