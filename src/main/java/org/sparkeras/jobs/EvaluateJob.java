package org.sparkeras.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.sparkeras.backend.Engine;
import org.sparkeras.models.Model;
import org.sparkeras.saving.FileStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/evaluate.sh --model <model> --config <file>}: evaluates a saved model on the test split
 * of the data a job config describes, loaded, preprocessed and mapped to the model's inputs exactly
 * as {@link TrainJob} does ({@link JobData}, with the config's seed), and prints the loss and the
 * compiled metrics ({@code <output>_loss}, {@code <output>_<metric>} per output of a multi-output
 * model) as {@code name=value} lines on standard output. {@code --model} is resolved by
 * {@link ModelSource}: an archive, a run directory or a registry (its {@code latest} run).
 *
 * <p>The loss and metrics are those compiled into the archive; a model file without compile
 * settings (a subclassed model's weights) is compiled with the config's {@code training} section.
 * With {@code --master <url>} (or under spark-submit) the test set is evaluated on Spark by
 * {@code SparkTrainer} (the session and trainer of {@link SparkJob}); otherwise in this JVM.
 * {@code --output <dir>} also writes {@code <dir>/evaluation.json} atomically ({@link FileStore}).
 *
 * <p>Exit codes: 0 evaluated, 2 bad input or config (a missing model, a model that does not fit the
 * config's data), 3 infrastructure failure (I/O, a failed Spark job).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluates a saved model on the test split of a config's data and prints the loss and metrics "
                + "as name=value lines; with --output also writes evaluation.json; with --master on Spark.")
public final class EvaluateJob implements Callable<Integer> {
    /** The file {@code --output} receives. */
    static final String EVALUATION = "evaluation.json";

    @Option(names = "--model", required = true, paramLabel = "<model>", description = "A model archive (model.zip), a "
            + "run directory (train.sh --output) or a model registry (train.sh --publish; its latest run); a local, "
            + "hdfs: or s3a: path")
    String model;

    @Option(names = "--config", required = true, paramLabel = "<file>", description = "Job config (YAML) whose data "
            + "section gives the test set, e.g. conf/mnist-mlp.yaml; its training section compiles a model file that "
            + "holds no compile settings")
    Path config;

    @Option(names = "--output", paramLabel = "<dir>", description = "Directory to write " + EVALUATION + " into "
            + "(created; a local, hdfs: or s3a: path)")
    String output;

    @Option(names = "--batch-size", paramLabel = "<n>", description = "Samples per evaluation batch (default "
            + "${DEFAULT-VALUE}, as the train job's test evaluation)")
    int batchSize = 256;

    @Option(names = "--master", paramLabel = "<url>", description = "Spark master URL (local[*], spark://host:7077, "
            + "yarn, ...): evaluate on Spark. Without it the model is evaluated in this JVM; under spark-submit "
            + "spark-submit's master applies.")
    String master;

    @Option(names = "--conf", paramLabel = "<key=value>", description = "A Spark setting (spark.*) for the session the "
            + "job starts with --master; repeatable")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    private final PrintStream out;
    private final PrintStream err;

    public EvaluateJob() {
        this(System.out, System.err);
    }

    EvaluateJob(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Engine.init();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the job and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return JobRunner.run(new EvaluateJob(out, err), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        JobConfig cfg = ConfigReader.read(config);
        for (String key : sparkConf.keySet()) {
            if (!key.startsWith("spark.")) {
                throw new BadInputException("--conf " + key + "=...: only Spark settings (spark.*) can be passed");
            }
        }
        boolean onSpark = master != null || TrainJob.submittedMaster() != null;
        if (!sparkConf.isEmpty() && !onSpark) {
            throw new BadInputException("--conf sets Spark settings: it needs --master (or spark-submit)");
        }
        if (batchSize < 1) {
            throw new BadInputException("--batch-size must be >= 1, received " + batchSize);
        }
        if (output != null && !output.contains(":") && Files.exists(Path.of(output)) && !Files.isDirectory(Path.of(output))) {
            throw new BadInputException("--output " + output + " is a file; give a directory to write " + EVALUATION + " into");
        }
        if (onSpark) {
            if (!TrainJob.sparkOnClasspath()) {
                throw new JobFailedException(JobRunner.INFRASTRUCTURE, "--master needs Apache Spark on the classpath "
                        + "(jobs/evaluate.sh adds the provided-scope jars, spark-submit brings its own)", null);
            }
            SparkJob.check(master, cfg.training().spark());
        }

        ModelSource source = ModelSource.resolve(model);
        Model m = source.load();
        String compiledFrom = "the model archive";
        if (!m.isCompiled()) {
            m.compile(TrainJob.compileOf(cfg.training()));
            compiledFrom = "the training section of " + config + " (" + source.modelFile() + " holds no compile settings)";
        }
        if (onSpark && !TrainJob.hasArchive(m)) {
            throw new BadInputException("Model \"" + m.name() + "\" (" + source.modelFile() + ") is a subclassed model: "
                    + "evaluating on Spark ships the model to executors as an archive, which needs its architecture as a "
                    + "config; evaluate it in one JVM (without --master; jobs/evaluate.sh with a SPARK_HOME needs "
                    + "SPARKERAS_EMBEDDED=1 for that)");
        }
        JobData.checkFits(cfg.data(), m, "Model " + source.modelFile(), "config " + config);
        long seed = seedOf(cfg);
        JobConfig trained = source.runConfig();
        if (trained != null && (!Objects.equals(trained.data(), cfg.data()) || seedOf(trained) != seed)) {
            err.println("note: the data section or seed of " + config + " differs from the run's "
                    + source.runDirectory() + "/" + ModelSource.CONFIG + ": the test set may not be the one the run was "
                    + "tested on");
        }
        JobData data = JobData.load(cfg.data(), m, seed);
        long samples = data.xTest().get(0).size(0);

        Map<String, Object> where = new LinkedHashMap<>();
        Map<String, Double> metrics;
        SparkJob spark = onSpark ? SparkJob.start(master, "sparkeras-evaluate", cfg.training().spark(), sparkConf) : null;
        try {
            if (spark != null) {
                m.setTrainer(spark.trainer());
                where.put("trainer", "spark");
                where.put("master", spark.master());
            } else {
                where.put("trainer", "local");
            }
            try {
                metrics = m.evaluate(data.xTest(), data.yTest(), batchSize);
            } catch (RuntimeException e) {
                throw spark == null ? e : SparkJob.failure(e, "evaluating the test set");
            }
        } finally {
            if (spark != null) {
                spark.close();
            }
        }

        metrics.forEach((name, value) -> out.println(name + "=" + value));
        err.println("Evaluated " + source.describe() + " on the " + samples + " test samples of " + config + " ("
                + (spark == null ? "in this JVM" : "on Spark, master " + where.get("master")) + "); loss and metrics "
                + "compiled from " + compiledFrom);

        if (output != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", source.modelFile());
            json.put("model_source", source.kind().label());
            if (source.runId() != null) {
                json.put("run_id", source.runId());
            }
            json.put("config", config.toString());
            json.put("samples", samples);
            json.put("batch_size", batchSize);
            json.putAll(where);
            json.put("metrics", metrics);
            String dir = output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
            FileStore.write(dir + "/" + EVALUATION,
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json), true);
            err.println("Wrote " + dir + "/" + EVALUATION);
        }
        return JobRunner.OK;
    }

    /** The seed a config's run uses (TrainJob's default 42): it decides the data splits. */
    private static long seedOf(JobConfig cfg) {
        return cfg.training().seed() != null ? cfg.training().seed() : 42L;
    }
}
