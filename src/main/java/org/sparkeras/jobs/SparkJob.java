package org.sparkeras.jobs;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.spark.NonFinitePolicy;
import org.sparkeras.spark.SparkDataset;
import org.sparkeras.spark.SparkTrainer;
import org.sparkeras.spark.SparkTrainingException;
import org.sparkeras.training.Trainer;

/**
 * The Spark side of {@link TrainJob}: the session, the {@link SparkTrainer} built from
 * {@code training.spark}, and what {@code metrics.json} records about the run. Only this class of
 * the job touches Spark, so a job without {@code --master} runs without Spark on the classpath.
 *
 * <p>The session: under spark-submit (the {@code spark.master} system property is set) or when a
 * session is already running in this JVM, that one is used; a running session on another master is
 * refused (one SparkContext per JVM). Otherwise one is started with {@code --master}, app name
 * {@code sparkeras-train-<config>}, {@link SparkTrainer#configure(SparkConf)}, and for
 * {@code local*} masters the driver bound to 127.0.0.1 and the UI off (unless configured). Only a
 * session started here is stopped by {@link #close()}.
 */
final class SparkJob implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SparkJob.class);
    static final String LOCALHOST = "127.0.0.1";

    private final SparkSession spark;
    private final boolean owned;
    private final SparkTrainer trainer;
    private final int partitions;

    private SparkJob(SparkSession spark, boolean owned, SparkTrainer trainer, int partitions) {
        this.spark = spark;
        this.owned = owned;
        this.trainer = trainer;
        this.partitions = partitions;
    }

    /**
     * What can be refused before anything runs: an empty master, a {@code --master} other than
     * spark-submit's, an unknown storage level.
     */
    static void check(String master, JobConfig.SparkSpec spec) {
        if (master != null && master.isBlank()) {
            throw new BadInputException("--master is empty; give a Spark master URL such as local[*] or spark://host:7077");
        }
        String submitted = TrainJob.submittedMaster();
        if (master != null && submitted != null && !master.equals(submitted)) {
            throw new BadInputException("--master " + master + " differs from spark-submit's master " + submitted
                    + "; under spark-submit leave --master out (spark-submit --master decides)");
        }
        storageLevel(spec);
    }

    /** The storage level named by {@code training.spark.storage_level} (default MEMORY_AND_DISK). */
    static StorageLevel storageLevel(JobConfig.SparkSpec spec) {
        String name = spec == null || spec.storageLevel() == null ? "MEMORY_AND_DISK" : spec.storageLevel().trim();
        try {
            return StorageLevel.fromString(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("Bad config value at training.spark.storage_level: \"" + name
                    + "\"; known storage levels: " + String.join(", ", storageLevelNames()));
        }
    }

    /** The names {@link StorageLevel#fromString} accepts (its static constants), sorted. */
    static List<String> storageLevelNames() {
        TreeSet<String> names = new TreeSet<>();
        for (Method m : StorageLevel.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
                    && m.getReturnType() == StorageLevel.class && m.getName().equals(m.getName().toUpperCase(Locale.ROOT))) {
                try {
                    StorageLevel.fromString(m.getName());
                    names.add(m.getName());
                } catch (IllegalArgumentException e) {
                    // a constant fromString does not know by name
                }
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * Starts (or joins) the Spark session and builds the trainer. {@code master} may be null under
     * spark-submit. Fails with exit code 2 for a bad master URL or a running session on another
     * master, 3 when Spark cannot start.
     */
    static SparkJob start(String master, String configName, JobConfig.SparkSpec spec) {
        return start(master, configName, spec, java.util.Map.of());
    }

    /** As {@link #start(String, String, JobConfig.SparkSpec)}, with {@code --conf key=value} Spark settings. */
    static SparkJob start(String master, String configName, JobConfig.SparkSpec spec, java.util.Map<String, String> confs) {
        String wantedMaster = master != null ? master : TrainJob.submittedMaster();
        SparkSession running = running();
        SparkSession spark;
        boolean owned;
        if (running != null) {
            String m = running.sparkContext().master();
            if (wantedMaster != null && !wantedMaster.equals(m)) {
                throw new BadInputException("A Spark session on master " + m + " is already running in this JVM (one "
                        + "SparkContext per JVM); --master " + wantedMaster + " cannot start another. Pass --master " + m
                        + " to train on it");
            }
            if (!confs.isEmpty()) {
                LOG.warn("--conf {} not applied: the Spark session of this JVM is already running", confs.keySet());
            }
            spark = running;
            owned = false;
        } else {
            // new SparkConf() reads the spark.* system properties: everything spark-submit was given.
            SparkConf conf = new SparkConf();
            confs.forEach(conf::set);
            if (!conf.contains("spark.master")) {
                conf.setMaster(wantedMaster);
            }
            String app = conf.get("spark.app.name", "");
            // spark-submit names the application after the main class unless --name is given.
            if (app.isBlank() || app.startsWith("org.sparkeras.jobs.")) {
                conf.setAppName(configName.startsWith("sparkeras-") ? configName : "sparkeras-train-" + configName);
            }
            if (conf.get("spark.master").startsWith("local")) {
                conf.setIfMissing("spark.driver.host", LOCALHOST);
                conf.setIfMissing("spark.driver.bindAddress", LOCALHOST);
                conf.setIfMissing("spark.ui.enabled", "false");
            }
            SparkTrainer.configure(conf);
            try {
                spark = SparkSession.builder().config(conf).getOrCreate();
            } catch (Exception e) {
                String msg = firstLine(e);
                int code = msg.contains("Could not parse Master URL") ? JobRunner.BAD_INPUT : JobRunner.INFRASTRUCTURE;
                throw new JobFailedException(code, "Spark could not start on master " + conf.get("spark.master") + ": "
                        + msg, e);
            }
            owned = true;
        }
        try {
            JobConfig.SparkSpec s = spec != null ? spec : new JobConfig.SparkSpec(null, null, null, null, null, null, null, null);
            int parts = s.partitions() != null ? s.partitions() : spark.sparkContext().defaultParallelism();
            SparkDataset.Options options = SparkDataset.Options.defaults().numPartitions(parts)
                    .storageLevel(storageLevel(s)).streaming(Boolean.TRUE.equals(s.streaming()));
            SparkTrainer trainer = new SparkTrainer(spark)
                    .averagingFrequency(s.averagingFrequency() != null ? s.averagingFrequency()
                            : SparkTrainer.DEFAULT_AVERAGING_FREQUENCY)
                    .averageOptimizerState(s.averageOptimizerState() == null || s.averageOptimizerState())
                    .aggregationDepth(s.aggregationDepth() != null ? s.aggregationDepth() : 1)
                    .dataOptions(options)
                    .onNonFinite(s.onNonFinite() == null ? NonFinitePolicy.STOP
                            : NonFinitePolicy.valueOf(s.onNonFinite().toUpperCase(Locale.ROOT)));
            if (Boolean.TRUE.equals(s.streaming())) {
                LOG.warn("training.spark.streaming has no effect here: the job's data is loaded into memory on the "
                        + "driver and distributed as blocks (streaming applies to DataFrame and RDD sources)");
            }
            return new SparkJob(spark, owned, trainer, parts);
        } catch (RuntimeException e) {
            if (owned) {
                stop(spark);
            }
            if (e instanceof IllegalStateException) {
                // SparkTrainer's Kryo check: the configuration given to spark-submit lacks the registrator.
                throw new BadInputException(e.getMessage());
            }
            throw e;
        }
    }

    private static SparkSession running() {
        for (scala.Option<SparkSession> s : List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
            if (s.isDefined() && !s.get().sparkContext().isStopped()) {
                return s.get();
            }
        }
        return null;
    }

    /** The trainer to set on the model. */
    Trainer trainer() {
        return trainer;
    }

    /** The trainer with its DataFrame API (predict, evaluate). */
    SparkTrainer sparkTrainer() {
        return trainer;
    }

    SparkSession session() {
        return spark;
    }

    String master() {
        return spark.sparkContext().master();
    }

    /** One line for the console: where training runs and how. */
    String describe(int batchSize) {
        return "Training on Spark: master " + master() + ", " + partitions + " partitions, batch " + batchSize
                + " per worker, parameters averaged every " + trainer.averagingFrequency() + " steps"
                + (owned ? "" : " (running session " + spark.sparkContext().appName() + ")");
    }

    /** The fit's rounds: how many, their mean time and mean overhead (time beyond the slowest worker's compute). */
    String describeRounds() {
        List<SparkTrainer.RoundStats> stats = trainer.roundStats();
        double job = stats.stream().mapToDouble(SparkTrainer.RoundStats::jobMs).average().orElse(Double.NaN);
        return String.format(Locale.ROOT, "Spark: %d rounds, %.1f ms per round (Spark job), %.1f ms of it overhead "
                + "(broadcast + scheduling + transfer + averaging)", stats.size(), job, meanOverheadMs(stats));
    }

    private static double meanOverheadMs(List<SparkTrainer.RoundStats> stats) {
        return stats.stream().mapToDouble(SparkTrainer.RoundStats::overheadMs).average().orElse(Double.NaN);
    }

    /** The keys metrics.json gets for a Spark run. */
    Map<String, Object> metrics() {
        List<SparkTrainer.RoundStats> stats = trainer.roundStats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trainer", "spark");
        m.put("master", master());
        m.put("partitions", partitions);
        m.put("averaging_frequency", trainer.averagingFrequency());
        m.put("rounds", stats.size());
        double overhead = meanOverheadMs(stats);
        m.put("mean_round_overhead_ms", Double.isNaN(overhead) ? null : overhead);
        return m;
    }

    /**
     * The job's failure for an exception out of Spark training or evaluation: bad input stays bad
     * input (exit 2), a worker's non-finite result under {@code on_non_finite: fail} is a divergence
     * (exit 4), anything else is a failed Spark job (exit 3).
     */
    static RuntimeException failure(RuntimeException e, String what) {
        if (e instanceof BadInputException || e instanceof IllegalArgumentException || e instanceof JobFailedException) {
            return e;
        }
        String msg = firstLine(e);
        if (e instanceof SparkTrainingException && msg.startsWith("Non-finite")) {
            return new JobFailedException(JobRunner.DIVERGED, "Training diverged on Spark: " + msg, e);
        }
        return new JobFailedException(JobRunner.INFRASTRUCTURE, "Spark failed while " + what + ": " + msg, e);
    }

    private static String firstLine(Throwable e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        return msg.split("\n")[0];
    }

    /** Stops the session if this job started it. */
    @Override
    public void close() {
        if (owned) {
            stop(spark);
        }
    }

    private static void stop(SparkSession spark) {
        try {
            spark.stop();
        } catch (RuntimeException e) {
            LOG.warn("Stopping the Spark session failed: {}", e.toString());
        } finally {
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }
}
