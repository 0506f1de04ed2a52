package org.sparkeras.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.models.Model;
import org.sparkeras.saving.FileStore;
import org.sparkeras.saving.ModelArchive;
import org.sparkeras.saving.SafeTensors;

/**
 * What a job's {@code --model} names, resolved in one place for the jobs that read a trained model
 * ({@link EvaluateJob}, {@link DescribeJob}, {@link PredictJob}):
 * <ul>
 *   <li>a model archive ({@code model.zip}, any name);</li>
 *   <li>a run directory written by {@link TrainJob}: its {@code model.zip}, or for a subclassed model
 *       {@code model.weights.safetensors}, whose architecture is rebuilt from the run's
 *       {@code config.yaml};</li>
 *   <li>a model registry written by {@code --publish} ({@link Publisher}): the run that its
 *       {@code latest} names, read as {@code --warm-start} reads it ({@link Publisher#latest(String)}).</li>
 * </ul>
 * Paths go through {@link FileStore}: local, {@code hdfs:}, {@code s3a:}. A path that does not
 * exist, or a directory that is none of these, is bad input naming the path.
 */
final class ModelSource {
    static final String ARCHIVE = "model.zip";
    static final String WEIGHTS = "model.weights.safetensors";
    static final String CONFIG = "config.yaml";
    static final String METRICS = "metrics.json";
    private static final long MAX_TEXT_BYTES = 16L * 1024 * 1024;
    private static final String EXPECTED = "expected a model archive (" + ARCHIVE + "), a run directory holding " + ARCHIVE
            + " or " + WEIGHTS + ", or a model registry holding " + Publisher.LATEST;

    /** What the path named. */
    enum Kind {
        ARCHIVE, RUN, REGISTRY;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String given;
    private final Kind kind;
    private final String modelFile;
    private final String runDirectory;
    private final String registry;
    private final String runId;
    private JobConfig runConfig;

    private ModelSource(String given, Kind kind, String modelFile, String runDirectory, String registry, String runId) {
        this.given = given;
        this.kind = kind;
        this.modelFile = modelFile;
        this.runDirectory = runDirectory;
        this.registry = registry;
        this.runId = runId;
    }

    /** Resolves {@code --model}; a missing path or a directory without a model is bad input naming it. */
    static ModelSource resolve(String given) throws IOException {
        if (given == null || given.isBlank()) {
            throw new BadInputException("--model is empty; " + EXPECTED);
        }
        String p = given.length() > 1 && given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
        if (!FileStore.exists(p)) {
            throw new BadInputException("Model not found: " + given + " does not exist (" + EXPECTED + ")");
        }
        if (FileStore.exists(p + "/" + Publisher.LATEST)) {
            String id = Publisher.latest(p);
            String run = p + "/" + id;
            String file = modelIn(run);
            if (file == null) {
                throw new BadInputException("Model registry " + given + ": " + Publisher.LATEST + " names run " + id + ", but "
                        + run + " holds no " + ARCHIVE + " or " + WEIGHTS);
            }
            return new ModelSource(given, Kind.REGISTRY, file, run, p, id);
        }
        String file = modelIn(p);
        if (file != null) {
            // A run directory of a registry (<registry>/<run id>/ with its _PUBLISHED marker).
            String parent = parent(p);
            boolean published = FileStore.exists(p + "/" + Publisher.MARKER) && parent != null
                    && FileStore.exists(parent + "/" + Publisher.LATEST);
            return new ModelSource(given, Kind.RUN, file, p, published ? parent : null,
                    published ? p.substring(p.lastIndexOf('/') + 1) : null);
        }
        if (isDirectory(p)) {
            throw new BadInputException("No model in directory " + given + ": " + EXPECTED);
        }
        if (p.endsWith(".safetensors")) {
            throw new BadInputException("Model " + given + " is a weights file without its architecture: pass the run "
                    + "directory that holds it and its " + CONFIG + " (" + EXPECTED + ")");
        }
        return new ModelSource(given, Kind.ARCHIVE, p, null, null, null);
    }

    /** The model file of a run directory: model.zip, else model.weights.safetensors, else null. */
    private static String modelIn(String dir) throws IOException {
        for (String name : List.of(ARCHIVE, WEIGHTS)) {
            if (FileStore.exists(dir + "/" + name)) {
                return dir + "/" + name;
            }
        }
        return null;
    }

    private static String parent(String p) {
        int slash = p.lastIndexOf('/');
        if (slash < 0) {
            return ".";
        }
        return slash == 0 ? "/" : p.substring(0, slash);
    }

    private static boolean isDirectory(String p) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(p);
        String scheme = path.toUri().getScheme();
        if (scheme == null || scheme.equals("file")) {
            return Files.isDirectory(java.nio.file.Path.of(path.toUri().getPath()));
        }
        return path.getFileSystem(new Configuration()).getFileStatus(path).isDirectory();
    }

    /** The path as given. */
    String given() {
        return given;
    }

    Kind kind() {
        return kind;
    }

    /** The model file read: an archive, or a subclassed model's weights. */
    String modelFile() {
        return modelFile;
    }

    /** Whether the model file is an archive (architecture, weights and compile settings). */
    boolean isArchive() {
        return !modelFile.endsWith("/" + WEIGHTS);
    }

    /** The run directory the model is in, or null for a bare archive. */
    String runDirectory() {
        return runDirectory;
    }

    /** The registry: the one given, or the one a given run directory is published in; else null. */
    String registry() {
        return registry;
    }

    /** The run id: the one {@code latest} names (registry), or the published run given; else null. */
    String runId() {
        return runId;
    }

    /** The run id the registry's {@code latest} names now, or null without a registry. */
    String latest() throws IOException {
        return registry == null ? null : Publisher.latest(registry);
    }

    /**
     * The model: an archive is loaded as it is (compiled when it holds compile settings); a subclassed
     * model's weights go into the model the run's {@code config.yaml} describes, built for the shapes
     * of its data and not compiled.
     */
    Model load() throws IOException {
        if (isArchive()) {
            return ModelArchive.load(modelFile);
        }
        JobConfig cfg = runConfig();
        if (cfg == null) {
            throw new BadInputException(runDirectory + " holds " + WEIGHTS + " (the weights of a subclassed model) but no "
                    + CONFIG + " to rebuild the model from");
        }
        Model model = ModelFactory.build(cfg.model());
        if (!model.isModelBuilt()) {
            model.build(JobData.inputShapes(cfg.data(), model));
        }
        Map<String, INDArray> tensors = SafeTensors.read(FileStore.read(modelFile, ModelArchive.MAX_WEIGHTS_BYTES),
                modelFile).tensors();
        ModelArchive.assignWeights(model, matchLayerNames(model, tensors), modelFile);
        return model;
    }

    /** The run's {@code config.yaml} (the effective config it trained with), or null when there is none. */
    JobConfig runConfig() throws IOException {
        if (runConfig == null && runDirectory != null && FileStore.exists(runDirectory + "/" + CONFIG)) {
            String path = runDirectory + "/" + CONFIG;
            runConfig = ConfigReader.parse(FileStore.read(path, MAX_TEXT_BYTES), path);
        }
        return runConfig;
    }

    /** The run's {@code metrics.json}, or null when there is none. */
    Map<String, Object> runMetrics() throws IOException {
        if (runDirectory == null || !FileStore.exists(runDirectory + "/" + METRICS)) {
            return null;
        }
        String path = runDirectory + "/" + METRICS;
        try {
            return new ObjectMapper().readValue(FileStore.read(path, MAX_TEXT_BYTES),
                    new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(path + " is not a JSON object: " + e.getOriginalMessage());
        }
    }

    /** One line for messages: what was resolved. */
    String describe() {
        return switch (kind) {
            case ARCHIVE -> "model archive " + modelFile;
            case RUN -> "run directory " + runDirectory + " (" + modelFile + ")";
            case REGISTRY -> "model registry " + registry + ", run " + runId + " named by " + Publisher.LATEST + " ("
                    + modelFile + ")";
        };
    }

    // ---------------------------------------------------------------- weights of subclassed models

    private static final Pattern NUMBERED = Pattern.compile("(.*)_([0-9]{1,9})");

    /**
     * The tensors of a weights file keyed by {@code model}'s variable names. A subclassed model's
     * layers get automatic names ({@code dense}, {@code dense_1}, ...) counted per JVM, so the same
     * model built in another JVM, or after other models, numbers them differently. Layers whose names
     * differ only in that number are paired in the order of their numbers (the order they were
     * created in), when both sides have as many of them; anything else is left as it is, so
     * {@link ModelArchive#assignWeights} reports the names and shapes that do not match.
     */
    static Map<String, INDArray> matchLayerNames(Model model, Map<String, INDArray> tensors) {
        Map<String, List<String>> ours = layersByBase(model.weights().stream().map(Variable::name).toList());
        Map<String, List<String>> theirs = layersByBase(tensors.keySet());
        Map<String, String> rename = new HashMap<>();
        ours.forEach((base, layers) -> {
            List<String> other = theirs.get(base);
            if (other != null && other.size() == layers.size()) {
                for (int i = 0; i < layers.size(); i++) {
                    rename.put(other.get(i), layers.get(i));
                }
            }
        });
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            String layer = layerOf(e.getKey());
            out.put(rename.getOrDefault(layer, layer) + e.getKey().substring(layer.length()), e.getValue());
        }
        return out.size() == tensors.size() ? out : tensors;
    }

    private static String layerOf(String variableName) {
        int slash = variableName.indexOf('/');
        return slash < 0 ? variableName : variableName.substring(0, slash);
    }

    /** Distinct layer names of these variables by name without the number, each list in number order. */
    private static Map<String, List<String>> layersByBase(Collection<String> variableNames) {
        Map<String, TreeMap<Long, String>> groups = new TreeMap<>();
        for (String v : variableNames) {
            String layer = layerOf(v);
            Matcher m = NUMBERED.matcher(layer);
            String base = m.matches() ? m.group(1) : layer;
            long n = m.matches() ? Long.parseLong(m.group(2)) : 0;
            groups.computeIfAbsent(base, b -> new TreeMap<>()).putIfAbsent(n, layer);
        }
        Map<String, List<String>> out = new TreeMap<>();
        groups.forEach((base, byNumber) -> out.put(base, List.copyOf(byNumber.values())));
        return out;
    }
}
