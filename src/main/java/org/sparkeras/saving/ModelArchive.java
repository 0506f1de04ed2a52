package org.sparkeras.saving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.layers.Shapes;
import org.sparkeras.losses.Loss;
import org.sparkeras.models.Model;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.training.Compile;
import org.sparkeras.training.CompiledState;

/**
 * The model archive of DESIGN.md section 4: a zip of {@code metadata.json} (with the seed when the
 * caller gives it), {@code config.json} (architecture plus the compile settings, see
 * {@link #compileConfig}), {@code model.safetensors} (weights by variable name, e.g.
 * {@code dense/kernel}) and, for a compiled model whose optimizer has taken at least one step,
 * {@code optimizer.safetensors} ({@link Optimizer#stateDict()} by its tensor names), written
 * atomically through {@link FileStore}. Before the first step the optimizer state equals a fresh
 * one, so no entry is written. Loading recompiles the model through the {@link Registry} and
 * restores the optimizer state, so training continues exactly where it stopped; an archive of an
 * uncompiled model loads uncompiled.
 *
 * <p>Reading is defensive (RELIABILITY.md cases 20, 21, 24): at most {@value #MAX_ENTRIES} entries, only
 * the known names, no duplicates, directories, separators or {@code ..}; every entry is read through a
 * counting stream that stops past the entry's size limit or compression ratio (zip bombs), and errors
 * name the entry. Only then is the model created and its weights set by name.
 */
public final class ModelArchive {
    /** The archive layout version written into metadata.json. */
    public static final String FORMAT_VERSION = "1";
    /** The library version written when the jar carries none (tests, IDE). */
    public static final String DEFAULT_LIBRARY_VERSION = "0.1.0";
    public static final int MAX_ENTRIES = 16;
    public static final long MAX_JSON_BYTES = 16L * 1024 * 1024;
    /** Weights limit: 2 GiB, less the few bytes a Java array cannot hold. */
    public static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 16;
    public static final long MAX_TOTAL_BYTES = 2 * MAX_WEIGHTS_BYTES + 2 * MAX_JSON_BYTES;
    public static final long MAX_ARCHIVE_BYTES = Integer.MAX_VALUE - 16;
    public static final double MAX_RATIO = 200;
    /** Below this many uncompressed bytes an entry is not judged by its compression ratio. */
    private static final long RATIO_FLOOR = 1024 * 1024;

    static final String METADATA = "metadata.json";
    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    private static final Map<String, Long> LIMITS = Map.of(METADATA, MAX_JSON_BYTES, CONFIG, MAX_JSON_BYTES,
            WEIGHTS, MAX_WEIGHTS_BYTES, OPTIMIZER, MAX_WEIGHTS_BYTES);

    private static final Logger LOG = LoggerFactory.getLogger(ModelArchive.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ModelArchive() {}

    // ---------------------------------------------------------------- save

    /** Saves a Sequential or Functional model; subclassed models are refused with ModelConfig's message. */
    public static void save(Model model, String path, boolean overwrite) throws IOException {
        save(model, path, overwrite, null);
    }

    /**
     * Saves a Sequential or Functional model as {@link #save(Model, String, boolean)} does, and records
     * {@code seed} (the random seed the caller set with {@code Seeds.setRandomSeed}, when not null) in
     * {@code metadata.json}. The seed is informational: loading does not reseed.
     */
    public static void save(Model model, String path, boolean overwrite, Long seed) throws IOException {
        FileStore.write(path, toBytes(model, seed), overwrite);
    }

    /**
     * The archive {@link #save} writes, in memory (a distributed trainer ships it to its workers
     * once per fit). {@code seed} may be null.
     */
    public static byte[] toBytes(Model model, Long seed) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>(ModelConfig.toConfig(model));
        if (!(model instanceof org.sparkeras.models.Sequential) && !(model instanceof org.sparkeras.models.Functional)) {
            // A subclassed model's layers get automatic names that differ between two instances in one
            // JVM: record the weight order so loading can match them by position.
            config.put("weight_names", model.weights().stream().map(Variable::name).toList());
        }
        Map<String, Object> compile = compileConfig(model);
        byte[] optimizerState = null;
        if (compile != null) {
            config.put("compile_config", compile);
            Optimizer optimizer = model.compiled().optimizer();
            if (optimizer.iterations() > 0) {
                optimizerState = SafeTensors.write(optimizer.stateDict(), Map.of("format", "sparkeras"));
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("format_version", FORMAT_VERSION);
        metadata.put("library", "sparkeras");
        metadata.put("library_version", libraryVersion());
        metadata.put("date_saved", Instant.now().toString());
        metadata.put("class_name", String.valueOf(config.get("class_name")));
        if (seed != null) {
            metadata.put("seed", seed);
        }
        byte[] weights = SafeTensors.write(namedWeights(model), Map.of("format", "sparkeras"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream(weights.length + 64 * 1024
                + (optimizerState == null ? 0 : optimizerState.length));
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            deflated(zip, METADATA, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata));
            deflated(zip, CONFIG, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
            // Stored, not deflated: weights barely compress, and readers judge ratios (zip bombs).
            stored(zip, WEIGHTS, weights);
            if (optimizerState != null) {
                stored(zip, OPTIMIZER, optimizerState);
            }
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static void deflated(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** The Sparkeras version recorded in files it writes (the jar's version, else {@value #DEFAULT_LIBRARY_VERSION}). */
    public static String libraryVersion() {
        String v = ModelArchive.class.getPackage().getImplementationVersion();
        return v == null ? DEFAULT_LIBRARY_VERSION : v.replace("-SNAPSHOT", "");
    }

    /**
     * The full compile settings, or null when the model is not compiled or a part of them cannot be
     * written by name (an optimizer, loss or metric object whose type the {@link Registry} does not
     * know, or a {@code Metric} object instead of a metric name): the archive then holds the
     * architecture only and the loaded model must be compiled again. The form is
     * <pre>{@code
     * {"optimizer": {"class_name": "adam", "config": {"learning_rate": 0.001, "beta_1": 0.9, ...}},
     *  "loss": {"<output>": {"class_name": "mean_squared_error", "config": {}}, ...},
     *  "loss_weights": {"<output>": 1.0, ...},
     *  "metrics": {"<output>": ["accuracy", ...], ...}}
     * }</pre>
     * with one entry per output, in output order, so per-output losses, weights and metrics survive.
     *
     * <p>A learning rate driven by a {@code LearningRateSchedule} is not written (schedules have no
     * registry yet): the loaded optimizer has the registry's default constant learning rate, and a
     * warning is logged at save time. The iteration count is restored with the optimizer state, so
     * setting the same schedule again on the loaded optimizer ({@code optimizer.learningRate(schedule)})
     * continues it where it was.
     */
    public static Map<String, Object> compileConfig(Model model) {
        if (!model.isCompiled()) {
            return null;
        }
        CompiledState state = model.compiled();
        Compile c = state.source();
        Optimizer optimizer = state.optimizer();
        if (c == null || optimizer == null || !Registry.contains(Registry.Kind.OPTIMIZER, optimizer.name())) {
            LOG.warn("Model \"{}\": its optimizer is not known to the registry by name; the archive holds no compile "
                    + "settings", model.name());
            return null;
        }
        List<String> outputs = model.outputNames();
        Map<String, Object> losses = new LinkedHashMap<>();
        Map<String, Object> weights = new LinkedHashMap<>();
        Map<String, Object> metrics = new LinkedHashMap<>();
        double[] lossWeights = state.lossWeights();
        for (int i = 0; i < outputs.size(); i++) {
            Loss loss = state.losses().get(i);
            if (!Registry.contains(Registry.Kind.LOSS, loss.name())) {
                LOG.warn("Model \"{}\": loss \"{}\" is not known to the registry; the archive holds no compile settings",
                        model.name(), loss.name());
                return null;
            }
            Map<String, Object> lc = new LinkedHashMap<>();
            lc.put("class_name", loss.name());
            lc.put("config", new LinkedHashMap<>(loss.getConfig()));
            losses.put(outputs.get(i), lc);
            weights.put(outputs.get(i), lossWeights[i]);
            List<Object> given = c.metricsByOutput() != null
                    ? c.metricsByOutput().getOrDefault(outputs.get(i), List.of()) : c.metrics();
            List<String> names = new ArrayList<>();
            for (Object m : given) {
                if (!(m instanceof String s)) {
                    LOG.warn("Model \"{}\": metric objects cannot be written by name; the archive holds no compile "
                            + "settings (pass metric names to compile to keep them)", model.name());
                    return null;
                }
                names.add(s);
            }
            metrics.put(outputs.get(i), names);
        }
        Map<String, Object> oc = new LinkedHashMap<>(optimizer.getConfig());
        if (optimizer.learningRateSchedule() != null) {
            oc.remove("learning_rate");
            LOG.warn("Model \"{}\": the learning-rate schedule of optimizer \"{}\" is not written; the loaded optimizer "
                    + "has the default constant learning rate until the schedule is set again", model.name(),
                    optimizer.name());
        }
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("class_name", optimizer.name());
        opt.put("config", oc);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("optimizer", opt);
        out.put("loss", losses);
        out.put("loss_weights", weights);
        out.put("metrics", metrics);
        return out;
    }

    /**
     * Whether an archive of {@code model} would hold its full compile settings (optimizer, losses
     * and metrics known to the {@link Registry} by name), so a loaded copy trains the same way.
     */
    public static boolean hasCompileConfig(Model model) {
        return compileConfig(model) != null;
    }

    /** Every weight of the model by its variable name; names must be unique. */
    public static Map<String, INDArray> namedWeights(Model model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Variable v : model.weights()) {
            if (out.put(v.name(), v.value()) != null) {
                throw new IllegalStateException("Model \"" + model.name() + "\" has two weights named \"" + v.name()
                        + "\"; give its layers distinct names before saving");
            }
        }
        return out;
    }

    /**
     * Sets every weight of {@code model} from tensors by variable name. All checks run first: every
     * variable must be present with its shape; missing and extra names are listed.
     */
    public static void assignWeights(Model model, Map<String, INDArray> tensors, String what) {
        Map<String, Variable> vars = new LinkedHashMap<>();
        for (Variable v : model.weights()) {
            vars.put(v.name(), v);
        }
        Set<String> missing = new TreeSet<>(vars.keySet());
        missing.removeAll(tensors.keySet());
        Set<String> extra = new TreeSet<>(tensors.keySet());
        extra.removeAll(vars.keySet());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalArgumentException("The weights in " + what + " do not match model \"" + model.name() + "\": "
                    + (missing.isEmpty() ? "" : "missing " + missing + (extra.isEmpty() ? "" : "; "))
                    + (extra.isEmpty() ? "" : "unexpected " + extra)
                    + (vars.isEmpty() ? " (the model has no weights yet: build it, e.g. by calling it once, before loading)"
                            : ""));
        }
        for (Map.Entry<String, Variable> e : vars.entrySet()) {
            INDArray t = tensors.get(e.getKey());
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("Weight \"" + e.getKey() + "\" in " + what + " has shape "
                        + Shapes.of(t.shape()) + ", model \"" + model.name() + "\" needs " + Shapes.of(e.getValue().shape()));
            }
        }
        for (Map.Entry<String, Variable> e : vars.entrySet()) {
            e.getValue().assign(tensors.get(e.getKey()));
        }
    }

    // ---------------------------------------------------------------- load

    /**
     * For a subclassed model saved with its weight order, the tensors renamed to this instance's
     * variable names position by position; otherwise the tensors as they are.
     */
    private static Map<String, INDArray> byPosition(Model model, Map<String, INDArray> tensors, Object weightNames,
            String path) {
        if (!(weightNames instanceof List<?> names)) {
            return tensors;
        }
        List<Variable> vars = model.weights();
        if (names.size() != vars.size()) {
            throw bad(path, CONFIG, "weight_names lists " + names.size() + " weights, model \"" + model.name() + "\" has "
                    + vars.size());
        }
        Map<String, INDArray> renamed = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            INDArray t = tensors.get(String.valueOf(names.get(i)));
            if (t == null) {
                throw bad(path, WEIGHTS, "weight \"" + names.get(i) + "\" listed in " + CONFIG + " is missing");
            }
            renamed.put(vars.get(i).name(), t);
        }
        if (renamed.size() != tensors.size()) {
            throw bad(path, WEIGHTS, "holds " + tensors.size() + " tensors, " + CONFIG + " lists " + names.size());
        }
        return renamed;
    }

    /** Loads an archive written by {@link #save}; see the class notes for the checks. */
    public static Model load(String path) throws IOException {
        return fromBytes(FileStore.read(path, MAX_ARCHIVE_BYTES), path);
    }

    /**
     * Loads an archive held in memory, with every check of {@link #load}; {@code path} names its
     * source in error messages.
     */
    public static Model fromBytes(byte[] archive, String path) throws IOException {
        Map<String, byte[]> entries = readEntries(archive, path);
        for (String required : List.of(METADATA, CONFIG, WEIGHTS)) {
            if (!entries.containsKey(required)) {
                throw bad(path, required, "the entry is missing");
            }
        }
        Map<String, Object> metadata = json(entries.get(METADATA), path, METADATA);
        if (!FORMAT_VERSION.equals(metadata.get("format_version"))) {
            throw bad(path, METADATA, "format_version " + metadata.get("format_version") + " is not supported (expected \""
                    + FORMAT_VERSION + "\")");
        }
        Map<String, Object> config = json(entries.get(CONFIG), path, CONFIG);
        Object compile = config.remove("compile_config");
        if (entries.containsKey(OPTIMIZER) && compile == null) {
            throw bad(path, OPTIMIZER, "optimizer state without a compile_config in " + CONFIG);
        }
        // Weights and optimizer state are decoded (and validated) before the model is created.
        SafeTensors.Content weights = SafeTensors.read(entries.get(WEIGHTS), path + "!" + WEIGHTS);
        Object weightNames = config.remove("weight_names");
        SafeTensors.Content optimizerState = entries.containsKey(OPTIMIZER)
                ? SafeTensors.read(entries.get(OPTIMIZER), path + "!" + OPTIMIZER) : null;
        entries.clear();
        Model model;
        try {
            model = ModelConfig.fromConfig(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid model archive " + path + ", entry \"" + CONFIG + "\": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // A config of the wrong JSON types (a string where a number belongs, ...) is bad input too.
            throw bad(path, CONFIG, "malformed model config (" + e + ")");
        }
        assignWeights(model, byPosition(model, weights.tensors(), weightNames, path), path + "!" + WEIGHTS);
        if (compile != null) {
            compile(model, compile, path);
            if (optimizerState != null) {
                try {
                    model.compiled().optimizer().loadStateDict(optimizerState.tensors(), model.parameters().length());
                } catch (RuntimeException e) {
                    throw bad(path, OPTIMIZER, String.valueOf(e.getMessage()));
                }
            }
        }
        return model;
    }

    /**
     * Recompiles {@code model} from a compile_config written by {@link #compileConfig}: the optimizer,
     * losses and metrics are created through the {@link Registry}, so an unknown name is refused with
     * the registry's message (naming the known ones).
     */
    private static void compile(Model model, Object compile, String path) {
        try {
            Map<String, Object> m = object(compile, "compile_config");
            Map<String, Object> opt = object(m.get("optimizer"), "compile_config.optimizer");
            Optimizer optimizer = Registry.create(Registry.Kind.OPTIMIZER, name(opt, "compile_config.optimizer"),
                    object(opt.get("config"), "compile_config.optimizer.config"), Optimizer.class);
            List<String> outputs = model.outputNames();
            Map<String, Object> losses = byOutput(m.get("loss"), "compile_config.loss", outputs);
            Map<String, Object> weights = byOutput(m.get("loss_weights"), "compile_config.loss_weights", outputs);
            Map<String, Object> metrics = byOutput(m.get("metrics"), "compile_config.metrics", outputs);
            Map<String, Loss> lossByOutput = new LinkedHashMap<>();
            Map<String, Double> weightByOutput = new LinkedHashMap<>();
            Map<String, List<?>> metricsByOutput = new LinkedHashMap<>();
            for (String out : outputs) {
                Map<String, Object> lc = object(losses.get(out), "compile_config.loss." + out);
                lossByOutput.put(out, Registry.create(Registry.Kind.LOSS, name(lc, "compile_config.loss." + out),
                        object(lc.get("config"), "compile_config.loss." + out + ".config"), Loss.class));
                if (!(weights.get(out) instanceof Number w) || !Double.isFinite(w.doubleValue())) {
                    throw new IllegalArgumentException("compile_config.loss_weights." + out + " must be a finite number, "
                            + "received " + weights.get(out));
                }
                weightByOutput.put(out, w.doubleValue());
                if (!(metrics.get(out) instanceof List<?> names) || !names.stream().allMatch(x -> x instanceof String)) {
                    throw new IllegalArgumentException("compile_config.metrics." + out + " must be a list of metric names, "
                            + "received " + metrics.get(out));
                }
                for (Object name : names) {
                    if (!Registry.contains(Registry.Kind.METRIC, (String) name)) {
                        Registry.get(Registry.Kind.METRIC, (String) name, Object.class); // throws the registry's message
                    }
                }
                metricsByOutput.put(out, names);
            }
            model.compile(Compile.optimizer(optimizer).loss(lossByOutput).lossWeights(weightByOutput)
                    .metrics(metricsByOutput));
        } catch (IllegalArgumentException e) {
            throw bad(path, CONFIG, "compile_config: " + e.getMessage());
        } catch (RuntimeException e) {
            // Values of the wrong JSON types reaching a factory are bad input too.
            throw bad(path, CONFIG, "malformed compile_config (" + e + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) {
        if (!(o instanceof Map<?, ?> m) || !m.keySet().stream().allMatch(k -> k instanceof String)) {
            throw new IllegalArgumentException(what + " must be a JSON object, received " + o);
        }
        return (Map<String, Object>) m;
    }

    private static String name(Map<String, Object> m, String what) {
        if (!(m.get("class_name") instanceof String s)) {
            throw new IllegalArgumentException(what + ".class_name must be a string, received " + m.get("class_name"));
        }
        return s;
    }

    /** An object with exactly one entry per model output. */
    private static Map<String, Object> byOutput(Object o, String what, List<String> outputs) {
        Map<String, Object> m = object(o, what);
        if (!new TreeSet<>(m.keySet()).equals(new TreeSet<>(outputs))) {
            throw new IllegalArgumentException(what + " has entries for " + new TreeSet<>(m.keySet())
                    + ", the model's outputs are " + outputs);
        }
        return m;
    }

    private static Map<String, Object> json(byte[] data, String path, String entry) {
        try {
            Map<String, Object> m = JSON.readValue(data, new TypeReference<Map<String, Object>>() {});
            if (m == null) {
                throw bad(path, entry, "the entry is not a JSON object");
            }
            return m;
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw bad(path, entry, "not valid JSON: " + String.valueOf(msg).split("\n")[0]);
        }
    }

    /** The entries of an archive, each checked and bounded; nothing else is decoded. */
    static Map<String, byte[]> readEntries(byte[] archive, String path) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Counting raw = new Counting(new ByteArrayInputStream(archive));
        long total = 0;
        int count = 0;
        String current = null;
        try (ZipInputStream zip = new ZipInputStream(raw, StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                current = name;
                if (++count > MAX_ENTRIES) {
                    throw bad(path, name, "the archive has more than " + MAX_ENTRIES + " entries");
                }
                if (e.isDirectory()) {
                    throw bad(path, name, "directory entries are not allowed");
                }
                if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.contains("..")
                        || name.contains(":") || name.chars().anyMatch(ch -> ch < 0x20)) {
                    throw bad(path, name, "entry names must be plain file names (no path, \"..\", drive or control "
                            + "characters)");
                }
                Long limit = LIMITS.get(name);
                if (limit == null) {
                    throw bad(path, name, "unexpected entry; an archive holds only " + new TreeSet<>(LIMITS.keySet()));
                }
                if (out.containsKey(name)) {
                    throw bad(path, name, "duplicate entry");
                }
                if (e.getSize() > limit) {
                    throw bad(path, name, "declared size " + e.getSize() + " bytes exceeds the limit of " + limit);
                }
                if (e.getSize() >= 0 && e.getCompressedSize() > 0 && e.getSize() > RATIO_FLOOR
                        && e.getSize() > MAX_RATIO * e.getCompressedSize()) {
                    throw bad(path, name, "declared compression ratio " + e.getSize() / e.getCompressedSize()
                            + " exceeds " + (long) MAX_RATIO);
                }
                long startRaw = raw.count;
                byte[] data = bounded(zip, raw, startRaw, Math.min(limit, MAX_TOTAL_BYTES - total), path, name);
                if (e.getSize() >= 0 && e.getSize() != data.length) {
                    throw bad(path, name, "declared size " + e.getSize() + " but holds " + data.length + " bytes");
                }
                total += data.length;
                out.put(name, data);
                current = null;
            }
        } catch (ZipException ex) {
            throw bad(path, current == null ? "(archive structure)" : current, "corrupt zip data: " + ex.getMessage());
        } catch (IOException ex) {
            throw bad(path, current == null ? "(archive structure)" : current, "unreadable zip data: " + ex);
        }
        if (count == 0) {
            throw bad(path, "(archive structure)", "not a zip archive or an empty one");
        }
        return out;
    }

    private static byte[] bounded(InputStream zip, Counting raw, long startRaw, long limit, String path, String name)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        int r;
        while ((r = zip.read(buf)) >= 0) {
            n += r;
            if (n > limit) {
                throw bad(path, name, "the entry holds more than its limit of " + limit + " bytes");
            }
            long compressed = Math.max(1, raw.count - startRaw);
            if (n > RATIO_FLOOR && n > MAX_RATIO * compressed) {
                throw bad(path, name, "compression ratio above " + (long) MAX_RATIO + " (" + n + " bytes from about "
                        + compressed + "): refused as a possible zip bomb");
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    private static IllegalArgumentException bad(String path, String entry, String reason) {
        return new IllegalArgumentException("Invalid model archive " + path + ", entry \"" + entry + "\": " + reason);
    }

    /** Counts the compressed bytes the zip reader consumes. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count += r;
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += Math.max(0, s);
            return s;
        }
    }
}
