package org.sparkeras.callbacks;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkeras.callbacks.tensorboard.EventFileWriter;

/**
 * Writes the logs of {@code fit} as TensorBoard event files, as Keras 3's {@code TensorBoard}
 * callback does for scalars. At the end of every epoch each training log is written as
 * {@code "epoch_<key>"} at step {@code epoch} (0-based) to {@code <log_dir>/train}, together with
 * {@code "epoch_learning_rate"} (the optimizer's learning rate); each validation log
 * ({@code "val_<key>"}) is written as {@code "epoch_<key>"} to {@code <log_dir>/validation}. With an
 * integer {@code update_freq} N, the training logs are also written every N batches as
 * {@code "batch_<key>"} at the global batch count (1-based over the whole run: steps N, 2N, ...).
 * Files are flushed after every epoch and closed when training ends. View them with
 * {@code tensorboard --logdir <log_dir>}.
 *
 * <p>Arguments (Keras's names): {@code log_dir} (default {@code "logs"}); {@code update_freq}:
 * {@code "epoch"} (default), {@code "batch"} (same as 1) or a positive integer N;
 * {@code write_steps_per_second} (default false): also write {@code "epoch_steps_per_second"} (and
 * {@code "batch_steps_per_second"} when batches are written). Histograms, graphs, images, profiling
 * and embeddings of Keras's callback are not written.
 *
 * <pre>{@code
 * model.fit(x, y, Fit.epochs(10).callbacks(new TensorBoard("logs/run1").updateFreq(100)));
 * }</pre>
 */
public class TensorBoard extends Callback {
    private static final String DEFAULT_LOG_DIR = "logs";
    /** {@code updateFreq} value meaning "epoch": no per-batch summaries. */
    private static final int EPOCH = 0;
    private static final String VAL_PREFIX = "val_";

    private final Path logDir;
    private int updateFreq = EPOCH;
    private boolean writeStepsPerSecond;

    private EventFileWriter trainWriter;
    private EventFileWriter valWriter;
    private long globalTrainBatch;
    private long previousEpochBatches;
    private long epochStart;
    private long batchStart;

    /** Logs to {@code "logs"} in the working directory. */
    public TensorBoard() {
        this(DEFAULT_LOG_DIR);
    }

    public TensorBoard(String logDir) {
        this(Path.of(logDir));
    }

    public TensorBoard(Path logDir) {
        this.logDir = logDir;
    }

    /** {@code "epoch"} (write only per-epoch summaries) or {@code "batch"} (every batch). */
    public TensorBoard updateFreq(String updateFreq) {
        switch (updateFreq) {
            case "epoch" -> this.updateFreq = EPOCH;
            case "batch" -> this.updateFreq = 1;
            default -> throw new IllegalArgumentException(
                    "TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive integer, received \""
                            + updateFreq + "\"");
        }
        return this;
    }

    /** Writes per-batch summaries every {@code batches} batches. */
    public TensorBoard updateFreq(int batches) {
        if (batches <= 0) {
            throw new IllegalArgumentException(
                    "TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive integer, received " + batches);
        }
        this.updateFreq = batches;
        return this;
    }

    public TensorBoard writeStepsPerSecond(boolean writeStepsPerSecond) {
        this.writeStepsPerSecond = writeStepsPerSecond;
        return this;
    }

    /** The directory holding the {@code train} and {@code validation} runs. */
    public Path logDir() {
        return logDir;
    }

    @Override
    public boolean wantsBatchLogs() {
        return updateFreq != EPOCH;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        globalTrainBatch = 0;
        previousEpochBatches = 0;
        // Keras opens the train writer when training begins, the validation one on first use.
        trainWriter();
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        epochStart = System.nanoTime();
    }

    @Override
    public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
        globalTrainBatch++;
        if (writeStepsPerSecond) {
            batchStart = System.nanoTime();
        }
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        if (updateFreq == EPOCH || globalTrainBatch % updateFreq != 0) {
            return;
        }
        EventFileWriter w = trainWriter();
        if (writeStepsPerSecond) {
            w.addScalar("batch_steps_per_second", (float) (1e9 / Math.max(1, System.nanoTime() - batchStart)),
                    globalTrainBatch);
        }
        if (logs != null) {
            for (Map.Entry<String, Double> e : logs.entrySet()) {
                w.addScalar("batch_" + e.getKey(), e.getValue().floatValue(), globalTrainBatch);
            }
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Map<String, Double> train = new LinkedHashMap<>();
        Map<String, Double> validation = new LinkedHashMap<>();
        if (logs != null) {
            for (Map.Entry<String, Double> e : logs.entrySet()) {
                if (e.getKey().startsWith(VAL_PREFIX)) {
                    validation.put(e.getKey().substring(VAL_PREFIX.length()), e.getValue());
                } else {
                    train.put(e.getKey(), e.getValue());
                }
            }
        }
        if (model != null && model.isCompiled()) {
            train.put("learning_rate", model.compiled().optimizer().learningRate());
        }
        if (writeStepsPerSecond) {
            double seconds = Math.max(1, System.nanoTime() - epochStart) / 1e9;
            train.put("steps_per_second", (globalTrainBatch - previousEpochBatches) / seconds);
            previousEpochBatches = globalTrainBatch;
        }
        write(trainWriter(), train, epoch);
        if (!validation.isEmpty()) {
            write(validationWriter(), validation, epoch);
        }
        trainWriter.flush();
        if (valWriter != null) {
            valWriter.flush();
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        try {
            if (trainWriter != null) {
                trainWriter.close();
            }
        } finally {
            trainWriter = null;
            if (valWriter != null) {
                valWriter.close();
                valWriter = null;
            }
        }
    }

    private static void write(EventFileWriter w, Map<String, Double> logs, int epoch) {
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            w.addScalar("epoch_" + e.getKey(), e.getValue().floatValue(), epoch);
        }
    }

    private EventFileWriter trainWriter() {
        if (trainWriter == null) {
            trainWriter = new EventFileWriter(logDir.resolve("train"));
        }
        return trainWriter;
    }

    private EventFileWriter validationWriter() {
        if (valWriter == null) {
            valWriter = new EventFileWriter(logDir.resolve("validation"));
        }
        return valWriter;
    }

    /**
     * The configuration, with Keras 3's argument names; {@code Registry.create(Kind.CALLBACK, "TensorBoard", ...)}
     * reads it back. {@code update_freq} is "epoch", "batch" (every batch) or a number of batches.
     */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("log_dir", logDir.toString());
        c.put("update_freq", updateFreq == EPOCH ? "epoch" : updateFreq == 1 ? (Object) "batch" : (Object) updateFreq);
        c.put("write_steps_per_second", writeStepsPerSecond);
        return c;
    }
}
