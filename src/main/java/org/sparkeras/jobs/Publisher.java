package org.sparkeras.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparkeras.models.Model;
import org.sparkeras.saving.FileStore;
import org.sparkeras.saving.ModelArchive;

/**
 * Publishing a run to a model registry for scheduled retraining: {@code <registry>/<run id>/}
 * receives the model and the run's metrics, history, config and summary, then a {@code _PUBLISHED}
 * marker, and last {@code <registry>/latest} is replaced by a one-line file naming the run id.
 * Every file is written atomically through {@link FileStore} (local paths, {@code hdfs:}, {@code
 * s3a:}), so a reader sees the previous complete state or the new one. A run id whose marker exists
 * is published: running it again does nothing (idempotent).
 */
final class Publisher {
    /** Run ids: a letter or digit, then letters, digits, '.', '_' or '-'; at most 128 characters. */
    static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String MARKER = "_PUBLISHED";
    static final String LATEST = "latest";
    /** What a run directory holds that is published, in this order (those present). */
    static final List<String> FILES = List.of("model.zip", "model.weights.safetensors", "metrics.json", "history.json",
            "history.csv", "config.yaml", "summary.txt");

    private final String registry;
    private final String runId;

    Publisher(String registry, String runId) {
        if (registry == null || registry.isBlank()) {
            throw new BadInputException("--run-id needs --publish <registry>");
        }
        if (runId == null) {
            throw new BadInputException("--publish needs --run-id <id> (the name of this run in " + registry + ")");
        }
        if (!RUN_ID.matcher(runId).matches() || runId.equals(LATEST)) {
            throw new BadInputException("Bad --run-id \"" + runId + "\": expected a letter or digit, then letters, digits, "
                    + "'.', '_' or '-' (at most 128), and not \"" + LATEST + "\"");
        }
        this.registry = registry.endsWith("/") ? registry.substring(0, registry.length() - 1) : registry;
        this.runId = runId;
    }

    String runDirectory() {
        return registry + "/" + runId;
    }

    /** Whether this run id is published already (its marker exists). */
    boolean published() throws IOException {
        return FileStore.exists(runDirectory() + "/" + MARKER);
    }

    /** Copies the run directory's files to the registry, then the marker, then {@code latest}. */
    void publish(Path output) throws IOException {
        List<String> copied = new ArrayList<>();
        for (String name : FILES) {
            Path f = output.resolve(name);
            if (Files.isRegularFile(f)) {
                FileStore.write(runDirectory() + "/" + name, Files.readAllBytes(f), true);
                copied.add(name);
            }
        }
        if (!copied.contains("model.zip") && !copied.contains("model.weights.safetensors")) {
            throw new IllegalStateException("No model in " + output + " to publish");
        }
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("run_id", runId);
        marker.put("published_at", Instant.now().toString());
        marker.put("files", copied);
        FileStore.write(runDirectory() + "/" + MARKER,
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(marker), true);
        FileStore.write(registry + "/" + LATEST, (runId + "\n").getBytes(StandardCharsets.UTF_8), true);
    }

    /** The run id {@code <registry>/latest} names, or null when nothing is published yet. */
    String latest() throws IOException {
        return latest(registry);
    }

    /**
     * The run id {@code <registry>/latest} names, or null when the registry has no {@code latest}
     * (nothing published yet). A {@code latest} that names no valid run id is bad input.
     */
    static String latest(String registry) throws IOException {
        String path = (registry.endsWith("/") ? registry.substring(0, registry.length() - 1) : registry) + "/" + LATEST;
        if (!FileStore.exists(path)) {
            return null;
        }
        String id = new String(FileStore.read(path, 1024), StandardCharsets.UTF_8).trim();
        if (!RUN_ID.matcher(id).matches() || id.equals(LATEST)) {
            throw new BadInputException(path + " does not name a run id: \"" + id + "\"");
        }
        return id;
    }

    /**
     * Warm start: copies the weights of the latest published model into {@code model} (same
     * architecture: weight counts and shapes must match). Returns the run id used, or null when
     * nothing is published yet.
     */
    String warmStart(Model model) throws IOException {
        String id = latest();
        if (id == null) {
            return null;
        }
        String path = registry + "/" + id + "/model.zip";
        if (!FileStore.exists(path)) {
            throw new BadInputException("--warm-start: the latest published run " + id + " has no model archive at " + path);
        }
        Model published = ModelArchive.load(path);
        try {
            model.setWeights(published.getWeights());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--warm-start: the model published by run " + id + " does not fit this config's "
                    + "model: " + e.getMessage());
        }
        return id;
    }
}
