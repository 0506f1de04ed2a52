package org.sparkeras.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.backend.Engine;
import org.sparkeras.backend.Host;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.BackupAndRestore;
import org.sparkeras.callbacks.History;
import org.sparkeras.callbacks.TensorBoard;
import org.sparkeras.models.Model;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.saving.Registry;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;
import org.sparkeras.training.LearningCurves;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/train.sh --config <file> --output <dir>}: trains the model a config describes and
 * writes the run directory: {@code history.json} and {@code history.csv} (rewritten after every
 * epoch), {@code metrics.json}, {@code summary.txt}, {@code learning_curves.png},
 * {@code config.yaml} (the effective config), TensorBoard event files in {@code tensorboard/} and
 * the trained model ({@code model.zip}, or {@code model.weights.safetensors} for a subclassed
 * model).
 *
 * <p>While it trains, {@code backup/} holds the backup of the last finished epoch
 * ({@link BackupAndRestore}; deleted when training ends). The same command run again after a crash
 * (driver killed, machine lost) resumes there: weights, optimizer state and position, the history
 * of the earlier epochs kept; with a fixed seed the result equals an uninterrupted run's. A backup
 * written for another model or optimizer is refused with the differences (exit 2) unless
 * {@code --allow-changes}; a damaged one is named with the reason.
 *
 * <p>With {@code --master <url>} (or when launched by spark-submit, whose {@code --master} then
 * applies) the model trains data-parallel on Spark ({@link SparkJob}, {@code training.spark} in the
 * config); the run directory is the same, and {@code metrics.json} also records the trainer, master,
 * partitions, averaging frequency and mean per-round overhead. Without it the job trains in this JVM.
 *
 * <p>Exit codes: 0 trained, 2 bad input or config, 3 infrastructure failure (I/O, a failed Spark
 * job), 4 divergence (non-finite loss; nothing but the history is written). No model is written
 * unless training and the test evaluation succeeded.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a Sparkeras model from a config file and writes history.json, metrics.json, "
                + "summary.txt, learning_curves.png and config.yaml into the output directory; with --master, "
                + "data-parallel on Spark.")
public final class TrainJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    @Option(names = "--config", required = true, description = "Job config file (YAML), e.g. conf/mnist-mlp.yaml")
    Path config;

    @Option(names = "--output", required = true, description = "Run directory to write (created; may exist empty)")
    Path output;

    @Option(names = "--master", paramLabel = "<url>", description = "Spark master URL (local[*], local[2], "
            + "spark://host:7077, yarn, ...): train data-parallel on Spark with the config's training.spark settings. "
            + "Without it the job trains in this JVM; under spark-submit it may be left out (spark-submit's --master "
            + "applies).")
    String master;

    @Option(names = "--conf", paramLabel = "<key=value>", description = "A Spark setting (spark.*) for the session the "
            + "job starts with --master, as spark-submit's --conf; repeatable")
    java.util.Map<String, String> sparkConf = new java.util.LinkedHashMap<>();

    @Option(names = "--publish", paramLabel = "<registry>", description = "Model registry (a directory: local, hdfs:, "
            + "s3a:) to publish the trained model and its metrics to, as <registry>/<run id>/, then <registry>/latest; "
            + "needs --run-id")
    String publish;

    @Option(names = "--run-id", paramLabel = "<id>", description = "The run's name in the registry; a run id already "
            + "published is not trained or published again (exit 0)")
    String runId;

    @Option(names = "--warm-start", description = "Start from the weights of the latest published model (fine-tune); "
            + "trains from scratch when nothing is published yet")
    boolean warmStart;

    @Option(names = "--allow-changes", description = "Resume from the run directory's backup even if the model or "
            + "optimizer in the config changed since it was written (the differences are logged; weights are restored "
            + "only if they still fit). Without it such a resume is refused with the list of differences (exit 2).")
    boolean allowChanges;

    /** The run directory's backups of an unfinished run ({@link BackupAndRestore}). */
    static final String BACKUP_DIR = "backup";

    private final PrintStream out;

    public TrainJob() {
        this(System.out);
    }

    TrainJob(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Engine.init();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the job and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return JobRunner.run(new TrainJob(out), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        JobConfig cfg = ConfigReader.read(config);
        for (String key : sparkConf.keySet()) {
            if (!key.startsWith("spark.")) {
                throw new BadInputException("--conf " + key + "=...: only Spark settings (spark.*) can be passed");
            }
        }
        if (!sparkConf.isEmpty() && master == null && submittedMaster() == null) {
            throw new BadInputException("--conf sets Spark settings: it needs --master (or spark-submit)");
        }
        Publisher publisher = publish != null || runId != null ? new Publisher(publish, runId) : null;
        if (warmStart && publisher == null) {
            throw new BadInputException("--warm-start needs --publish <registry> (where the latest model is read)");
        }
        if (publisher != null && publisher.published()) {
            out.println("Run " + runId + " is already published in " + publisher.runDirectory()
                    + "; nothing to train or publish.");
            return JobRunner.OK;
        }
        boolean onSpark = master != null || submittedMaster() != null;
        if (onSpark) {
            if (!sparkOnClasspath()) {
                throw new JobFailedException(JobRunner.INFRASTRUCTURE, "--master needs Apache Spark on the classpath "
                        + "(jobs/train.sh adds the provided-scope jars, spark-submit brings its own)", null);
            }
            SparkJob.check(master, cfg.training().spark());
        } else if (cfg.training().spark() != null) {
            out.println("Note: training.spark applies only with --master (or under spark-submit); training in this JVM.");
        }
        long seed = cfg.training().seed() != null ? cfg.training().seed() : 42L;
        Seeds.setRandomSeed(seed);
        Model model = ModelFactory.build(cfg.model());
        model.compile(compileOf(cfg.training()));
        if (onSpark && !hasArchive(model)) {
            throw new BadInputException("Model \"" + model.name() + "\" is a subclassed model: training on Spark ships "
                    + "the model to executors as an archive, which needs its architecture as a config (model.type "
                    + "sequential or functional); train it without --master, or describe it as a functional model");
        }
        if (warmStart) {
            String from = publisher.warmStart(model);
            out.println(from == null ? "Warm start: nothing published in " + publish + " yet; training from scratch."
                    : "Warm start from run " + from + " (" + publish + "/" + from + "/model.zip)");
        }
        JobData data = JobData.load(cfg.data(), model, seed);
        SparkJob spark = onSpark ? SparkJob.start(master, configName(config), cfg.training().spark(), sparkConf) : null;
        try {
            if (spark != null) {
                model.setTrainer(spark.trainer());
            }
            int code = train(cfg, model, data, seed, spark);
            if (code == JobRunner.OK && publisher != null) {
                publisher.publish(output);
                out.println("Published run " + runId + " to " + publisher.runDirectory() + "; " + publish + "/"
                        + Publisher.LATEST + " names it");
            }
            return code;
        } finally {
            if (spark != null) {
                spark.close();
            }
        }
    }

    private int train(JobConfig cfg, Model model, JobData data, long seed, SparkJob spark) throws IOException {
        prepareOutput(output);
        writeYaml(output.resolve("config.yaml"), cfg);

        JobConfig.TrainingSpec t = cfg.training();
        int batchSize = t.batchSize() == null ? 32 : t.batchSize();
        if (spark != null && t.spark() != null && t.spark().batchSize() != null) {
            batchSize = t.spark().batchSize(); // the batch of each worker on Spark
        }
        // The backup of an unfinished run (deleted when training ends): the same command run again after
        // a crash resumes from it. RunLog (after it) keeps history.json/.csv complete across restarts.
        BackupAndRestore backup = new BackupAndRestore(output.resolve(BACKUP_DIR).toString()).allowChanges(allowChanges);
        RunLog runLog = new RunLog(output, backup);
        Fit fit = Fit.epochs(t.epochs()).batchSize(batchSize)
                .verbose(t.verbose() == null ? 1 : t.verbose()).seed(seed).output(out)
                .callbacks(backup, runLog, new TensorBoard(output.resolve("tensorboard")));
        if (data.xValid() != null) {
            fit.validationData(data.xValid(), data.yValid());
        }
        if (model.isModelBuilt()) {
            model.summary(out);
        }
        if (spark != null) {
            out.println(spark.describe(batchSize));
        }
        long start = System.nanoTime();
        History history;
        try {
            history = model.fit(data.xTrain(), data.yTrain(), fit);
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).startsWith("BackupAndRestore:")) {
                throw new BadInputException("cannot resume the unfinished run in " + output + ": " + e.getMessage()
                        + ". Pass --allow-changes to resume anyway, or delete " + output.resolve(BACKUP_DIR)
                        + " to train from the beginning");
            }
            throw spark == null ? e : SparkJob.failure(e, "training");
        } catch (RuntimeException e) {
            throw spark == null ? e : SparkJob.failure(e, "training");
        }
        if (runLog.resumedFrom() > 0) {
            out.println("Resumed from the backup at epoch " + (runLog.resumedFrom() + 1) + " of " + t.epochs());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (spark != null) {
            out.println(spark.describeRounds());
        }
        Files.writeString(output.resolve("summary.txt"), model.summaryString(), StandardCharsets.UTF_8);
        runLog.write();
        if (history.terminatedOnNaN()) {
            LOG.error("Training diverged (non-finite loss); no metrics written");
            out.println("Training diverged: the loss became NaN or infinite. Lower the learning rate.");
            return JobRunner.DIVERGED;
        }
        LearningCurves.write(runLog.history(), output.resolve("learning_curves.png"));

        // Evaluated before the model is written: a failed evaluation publishes no model.
        Map<String, Double> test;
        try {
            test = model.evaluate(data.xTest(), data.yTest(), 256);
        } catch (RuntimeException e) {
            throw spark == null ? e : SparkJob.failure(e, "evaluating the test set");
        }
        saveModel(model, output, seed);
        Map<String, Object> metrics = new LinkedHashMap<>();
        test.forEach((k, v) -> metrics.put("test_" + k, v));
        if ("california_housing".equals(cfg.data().source())) {
            metrics.put("test_mse", mse(model.predict(data.xTest(), 256).get(0), data.yTest().get(0)));
        }
        long trainSamples = data.xTrain().get(0).size(0);
        metrics.put("test_samples", data.xTest().get(0).size(0));
        metrics.put("train_samples", trainSamples);
        metrics.put("epochs", runLog.epochs());
        if (runLog.resumedFrom() > 0) {
            metrics.put("resumed_from_epoch", runLog.resumedFrom() + 1);
        }
        metrics.put("train_seconds", seconds);
        metrics.put("train_samples_per_s", trainSamples * history.epochs().size() / seconds);
        if (spark != null) {
            metrics.putAll(spark.metrics());
        } else {
            metrics.put("trainer", "local");
        }
        writeJson(output.resolve("metrics.json"), metrics);
        out.println("Test: " + metrics);
        return JobRunner.OK;
    }

    /**
     * The master spark-submit launched this JVM with (its {@code spark.master} system property), or
     * null. Read here, not in {@link SparkJob}, so a job without Spark never loads Spark classes.
     */
    static String submittedMaster() {
        String m = System.getProperty("spark.master");
        return m == null || m.isBlank() ? null : m;
    }

    static boolean sparkOnClasspath() {
        try {
            Class.forName("org.apache.spark.sql.SparkSession", false, TrainJob.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The config file's name without its extension ({@code mnist-mlp} for conf/mnist-mlp.yaml). */
    static String configName(Path config) {
        String name = config.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * Writes the trained model into the run directory: the model archive {@code model.zip}, or for
     * a subclassed model (whose architecture is code) its weights, {@code model.weights.safetensors}.
     */
    static void saveModel(Model model, Path output, long seed) {
        if (hasArchive(model)) {
            model.save(output.resolve("model.zip").toString(), true, seed);
        } else {
            model.saveWeights(output.resolve("model.weights.safetensors").toString());
        }
    }

    /** Whether the model's architecture can be written as a config (Sequential, Functional), so it has an archive. */
    static boolean hasArchive(Model model) {
        return model instanceof org.sparkeras.models.Sequential || model instanceof org.sparkeras.models.Functional;
    }

    /** The mean squared error of predictions against targets, in the targets' units. */
    static double mse(INDArray predictions, INDArray targets) {
        double[] p = Host.toDoubles(predictions);
        double[] y = Host.toDoubles(targets);
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += (p[i] - y[i]) * (p[i] - y[i]);
        }
        return s / p.length;
    }

    static Compile compileOf(JobConfig.TrainingSpec t) {
        Map<String, Object> opt = new HashMap<>(t.optimizer());
        Object name = opt.remove("name");
        if (name == null) {
            throw new BadInputException("training.optimizer needs a name, e.g. {name: adam, learning_rate: 0.001}");
        }
        Optimizer optimizer;
        try {
            optimizer = Registry.create(Registry.Kind.OPTIMIZER, name.toString(), opt, Optimizer.class);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("training.optimizer: " + e.getMessage());
        }
        Compile c = Compile.optimizer(optimizer);
        try {
            if (t.loss() instanceof String s) {
                c.loss(s);
            } else if (t.loss() instanceof List<?> l) {
                c.loss(l.stream().map(String::valueOf).toArray(String[]::new));
            } else if (t.loss() instanceof Map<?, ?> m) {
                Map<String, Object> byOutput = new LinkedHashMap<>();
                m.forEach((k, v) -> byOutput.put(String.valueOf(k), String.valueOf(v)));
                c.loss(byOutput);
            } else {
                throw new BadInputException("training.loss must be a name, a list or a map by output, received " + t.loss());
            }
            if (t.lossWeights() instanceof List<?> l) {
                c.lossWeights(l.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray());
            } else if (t.lossWeights() instanceof Map<?, ?> m) {
                Map<String, Double> byOutput = new LinkedHashMap<>();
                m.forEach((k, v) -> byOutput.put(String.valueOf(k), ((Number) v).doubleValue()));
                c.lossWeights(byOutput);
            } else if (t.lossWeights() != null) {
                throw new BadInputException("training.loss_weights must be a list or a map by output, received "
                        + t.lossWeights());
            }
        } catch (ClassCastException e) {
            throw new BadInputException("training.loss_weights must hold numbers, received " + t.lossWeights());
        }
        if (t.metrics() != null) {
            c.metrics(t.metrics().toArray());
        }
        return c;
    }

    static void prepareOutput(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    static void writeJson(Path file, Object value) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), value);
    }

    static void writeYaml(Path file, Object value) throws IOException {
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), value);
    }
}
