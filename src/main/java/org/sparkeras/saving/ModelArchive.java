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
import org.sparkeras.autodiff.Variable;
import org.sparkeras.layers.Shapes;
import org.sparkeras.losses.Loss;
import org.sparkeras.models.Model;
import org.sparkeras.training.Compile;
import org.sparkeras.training.CompiledState;

/**
 * The model archive of DESIGN.md section 4: a zip of {@code metadata.json}, {@code config.json}
 * (architecture plus simple compile settings) and {@code model.safetensors} (weights by variable
 * name, e.g. {@code dense/kernel}), written atomically through {@link FileStore}.
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

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ModelArchive() {}

    // ---------------------------------------------------------------- save

    /** Saves a Sequential or Functional model; subclassed models are refused with ModelConfig's message. */
    public static void save(Model model, String path, boolean overwrite) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>(ModelConfig.toConfig(model));
        Map<String, Object> compile = compileConfig(model);
        if (compile != null) {
            config.put("compile_config", compile);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("format_version", FORMAT_VERSION);
        metadata.put("library", "sparkeras");
        metadata.put("library_version", libraryVersion());
        metadata.put("date_saved", Instant.now().toString());
        metadata.put("class_name", String.valueOf(config.get("class_name")));
        byte[] weights = SafeTensors.write(namedWeights(model), Map.of("format", "sparkeras"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream(weights.length + 64 * 1024);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            deflated(zip, METADATA, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata));
            deflated(zip, CONFIG, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
            // Stored, not deflated: weights barely compress, and readers judge ratios (zip bombs).
            ZipEntry e = new ZipEntry(WEIGHTS);
            e.setMethod(ZipEntry.STORED);
            e.setSize(weights.length);
            e.setCompressedSize(weights.length);
            CRC32 crc = new CRC32();
            crc.update(weights);
            e.setCrc(crc.getValue());
            zip.putNextEntry(e);
            zip.write(weights);
            zip.closeEntry();
        }
        FileStore.write(path, bytes.toByteArray(), overwrite);
    }

    private static void deflated(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    static String libraryVersion() {
        String v = ModelArchive.class.getPackage().getImplementationVersion();
        return v == null ? DEFAULT_LIBRARY_VERSION : v.replace("-SNAPSHOT", "");
    }

    /**
     * The compile settings when they are simple: an optimizer and one loss known to the registry by
     * name, metrics given as names, no per-output settings or loss weights. Otherwise null (the
     * archive then holds the architecture only and the loaded model must be compiled again).
     */
    static Map<String, Object> compileConfig(Model model) {
        if (!model.isCompiled()) {
            return null;
        }
        CompiledState state = model.compiled();
        Compile c = state.source();
        if (c == null || c.lossByOutput() != null || c.lossWeightByOutput() != null || c.metricsByOutput() != null
                || c.lossWeights() != null || c.optimizer() == null) {
            return null;
        }
        Set<String> losses = new TreeSet<>();
        for (Loss l : state.losses()) {
            losses.add(l.name());
        }
        String optimizer = c.optimizer().name();
        if (losses.size() != 1 || !Registry.contains(Registry.Kind.OPTIMIZER, optimizer)
                || !Registry.contains(Registry.Kind.LOSS, losses.iterator().next())) {
            return null;
        }
        List<String> metrics = new ArrayList<>();
        for (Object m : c.metrics()) {
            if (!(m instanceof String s)) {
                return null;
            }
            metrics.add(s);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("optimizer", optimizer);
        out.put("loss", losses.iterator().next());
        out.put("metrics", metrics);
        return out;
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

    /** Loads an archive written by {@link #save}; see the class notes for the checks. */
    public static Model load(String path) throws IOException {
        byte[] archive = FileStore.read(path, MAX_ARCHIVE_BYTES);
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
        // Weights are decoded (and validated) before the model is created.
        SafeTensors.Content weights = SafeTensors.read(entries.get(WEIGHTS), path + "!" + WEIGHTS);
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
        assignWeights(model, weights.tensors(), path + "!" + WEIGHTS);
        if (compile != null) {
            compile(model, compile, path);
        }
        return model;
    }

    private static void compile(Model model, Object compile, String path) {
        if (!(compile instanceof Map<?, ?> m) || !(m.get("optimizer") instanceof String optimizer)
                || !(m.get("loss") instanceof String loss) || !(m.get("metrics") instanceof List<?> metrics)
                || !metrics.stream().allMatch(x -> x instanceof String)) {
            throw bad(path, CONFIG, "compile_config must hold an optimizer name, a loss name and a list of metric names");
        }
        try {
            model.compile(optimizer, loss, metrics.stream().map(String.class::cast).toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw bad(path, CONFIG, "compile_config: " + e.getMessage());
        }
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
