package org.sparkeras.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.callbacks.BackupAndRestore;
import org.sparkeras.callbacks.Callback;
import org.sparkeras.saving.FileStore;

/**
 * The run directory's learning history across restarts: after every epoch {@code history.json}
 * (Keras's {@code History.history}: metric name to one value per epoch) and {@code history.csv}
 * (one row per epoch, as Keras's {@code CSVLogger}) are rewritten atomically with every epoch the
 * run has trained so far, so a pipeline can follow a run while it trains.
 *
 * <p>When the run resumes from a backup ({@link BackupAndRestore}, which must run before this
 * callback), the history the interrupted run wrote is read back and cut to the epochs before the
 * resumed one: an epoch that was logged but not backed up is trained again and logged once.
 */
final class RunLog extends Callback {
    private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);

    private final Path dir;
    private final BackupAndRestore backup;
    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private int resumedFrom = -1;
    /** The epoch index of the history's first entry (the resumed epoch when the earlier history was dropped). */
    private int firstEpoch;

    RunLog(Path dir, BackupAndRestore backup) {
        this.dir = dir;
        this.backup = backup;
    }

    /** Every epoch of the run, the ones before a resume included. */
    Map<String, List<Double>> history() {
        return history;
    }

    /** The epoch (0-based) training resumed at, or -1 when it started from the beginning. */
    int resumedFrom() {
        return resumedFrom;
    }

    /** The number of epochs in {@link #history()}. */
    int epochs() {
        return history.values().stream().mapToInt(List::size).max().orElse(0);
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        history.clear();
        firstEpoch = 0;
        Position at = backup.resumePosition();
        resumedFrom = at == null ? -1 : at.epoch();
        if (at == null || at.epoch() == 0) {
            return;
        }
        Path file = dir.resolve("history.json");
        if (!Files.isRegularFile(file)) {
            LOG.warn("Resuming at epoch {} but {} is missing: the history starts at the resumed epoch", at.epoch() + 1,
                    file);
            return;
        }
        try {
            Map<String, List<Double>> before = new ObjectMapper().readValue(file.toFile(),
                    new TypeReference<LinkedHashMap<String, List<Double>>>() {});
            before.forEach((k, v) -> history.put(k, new ArrayList<>(v.subList(0, Math.min(at.epoch(), v.size())))));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Resuming at epoch {}: cannot read the earlier history {} ({}); the history starts at the resumed "
                    + "epoch", at.epoch() + 1, file, e.getMessage());
            history.clear();
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (!history.isEmpty() && !history.keySet().equals(logs.keySet())) {
            // Resumed with other metrics (--allow-changes): the earlier epochs do not fit the table.
            LOG.warn("The resumed run logs {}, the earlier epochs {}: history.json and history.csv start at epoch {}",
                    logs.keySet(), history.keySet(), epoch + 1);
            history.clear();
            firstEpoch = epoch;
        }
        logs.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        write();
    }

    /** Writes history.json and history.csv (atomically, each). */
    void write() {
        try {
            FileStore.write(dir.resolve("history.json").toString(),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(history), true);
            FileStore.write(dir.resolve("history.csv").toString(), csv().getBytes(StandardCharsets.UTF_8), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history into " + dir + ": " + e.getMessage(), e);
        }
    }

    private String csv() {
        List<String> keys = new ArrayList<>(history.keySet());
        keys.sort(null);
        StringBuilder b = new StringBuilder("epoch");
        keys.forEach(k -> b.append(',').append(k));
        b.append('\n');
        for (int e = 0; e < epochs(); e++) {
            b.append(firstEpoch + e);
            for (String k : keys) {
                List<Double> v = history.get(k);
                b.append(',').append(Double.toString(v.get(e)));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
