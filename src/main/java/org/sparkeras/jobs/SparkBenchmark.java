package org.sparkeras.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Engine;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.Callback;
import org.sparkeras.callbacks.History;
import org.sparkeras.data.Mnist;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Flatten;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.Adam;
import org.sparkeras.spark.SparkDataset;
import org.sparkeras.spark.SparkTrainer;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/benchmark.sh --spark}: one measurement of the MNIST MLP in config B (Adam 0.001, batch
 * 128 per worker) per JVM, as the peers measure: {@code --epochs} epochs of {@code model.fit} on the
 * 60,000 in-memory training images, samples/s = 60,000 / the median time of epochs 2..N (timed by a
 * callback from the start to the end of each epoch).
 *
 * <ul>
 *   <li>{@code --mode local}: {@code --replicas R} independent models, each trained by its own
 *       LocalTrainer in its own thread of this JVM (one native thread each: run with
 *       OMP_NUM_THREADS=1); with {@code --sync-dir} several JVMs train at the same time. All
 *       trainers start their first epoch together, and each keeps training (untimed) until every
 *       one has finished its timed epochs, so every timed epoch ran with all of them busy. Prints
 *       each trainer's samples/s and their total.</li>
 *   <li>{@code --mode spark}: a SparkSession on {@code --master} (default local[2]) bound to
 *       127.0.0.1, UI off, built with {@code SparkTrainer.configure}; the model trains through
 *       {@code model.setTrainer(new SparkTrainer(spark))} on {@code --partitions} partitions with
 *       averaging every {@code --averaging-frequency} steps. Prints samples/s and the mean
 *       per-round timings of epochs 2..N from {@code SparkTrainer.roundStats()} (broadcast, job,
 *       driver aggregation, slowest worker's compute, their overhead) and from a {@link
 *       SparkJobTimes} listener (task-level times).</li>
 * </ul>
 * The last line is {@code RESULT mode=... samples_per_s=N ...}.
 */
@Command(name = "spark-benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "One throughput measurement of the MNIST MLP in config B (Adam 0.001, batch 128 per worker): "
                + "local trainers (one thread each) or Spark data-parallel training.")
public final class SparkBenchmark implements Callable<Integer> {

    static final int BATCH = 128;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    @Option(names = "--mode", required = true, description = "local or spark")
    String mode;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs; samples/s uses the median of epochs 2..N "
            + "(default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--replicas", defaultValue = "1", description = "local: trainers in this JVM, one thread each "
            + "(default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(names = "--sync-dir", description = "local: a directory shared by --instances JVMs that train at the same time")
    Path syncDir;

    @Option(names = "--instances", defaultValue = "1", description = "local: JVMs sharing --sync-dir (default: ${DEFAULT-VALUE})")
    int instances;

    @Option(names = "--instance", defaultValue = "0", description = "local: this JVM's index among --instances")
    int instance;

    @Option(names = "--averaging-frequency", description = "spark: local steps per round (default: "
            + "SparkTrainer.DEFAULT_AVERAGING_FREQUENCY)")
    Integer averagingFrequency;

    @Option(names = "--partitions", defaultValue = "2", description = "spark: partitions (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--master", defaultValue = "local[2]", description = "spark: master (default: ${DEFAULT-VALUE})")
    String master;

    @Option(names = "--conf", description = "spark: extra Spark setting key=value (repeatable)")
    List<String> confs = new ArrayList<>();

    @Option(names = "--data", defaultValue = "data/mnist", description = "MNIST directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights and of the shuffling (default: ${DEFAULT-VALUE})")
    long seed;

    private final PrintStream out;

    public SparkBenchmark() {
        this(System.out);
    }

    SparkBenchmark(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Engine.init();
        System.exit(JobRunner.run(new SparkBenchmark(System.out), args, System.out, System.err));
    }

    @Override
    public Integer call() throws Exception {
        if (epochs < 2) {
            throw new BadInputException("--epochs must be >= 2 (epoch 1 is not timed), received " + epochs);
        }
        out.printf(Locale.ROOT, "env: OMP_NUM_THREADS=%s OPENBLAS_NUM_THREADS=%s OPENBLAS_CORETYPE=%s OMP_WAIT_POLICY=%s"
                        + " openblas_coretype_in_use=%s cpus=%d java=%s%n",
                env("OMP_NUM_THREADS"), env("OPENBLAS_NUM_THREADS"), env("OPENBLAS_CORETYPE"), env("OMP_WAIT_POLICY"),
                Engine.coreType() == null ? "<openblas-detected>" : Engine.coreType(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        long t0 = System.nanoTime();
        Mnist mnist = Mnist.load(data, Integer.MAX_VALUE, 1);
        INDArray x = mnist.trainImages(), y = mnist.trainLabels();
        out.printf(Locale.ROOT, "data: %s train_samples=%d load_s=%.2f%n", data.toAbsolutePath().normalize(), x.size(0),
                (System.nanoTime() - t0) / 1e9);
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "local" -> runLocal(x, y);
            case "spark" -> runSpark(x, y);
            default -> throw new BadInputException("--mode must be local or spark, received \"" + mode + "\"");
        };
    }

    /** The reference MLP in config B, compiled; weights drawn from {@code weightSeed}. */
    static Sequential model(long weightSeed) {
        Seeds.setRandomSeed(weightSeed);
        Sequential model = new Sequential(
                new Flatten().inputShape(28, 28),
                new Dense(300, "relu"),
                new Dense(100, "relu"),
                new Dense(10, "softmax"));
        model.compile(Compile.optimizer(new Adam(0.001)).loss("sparse_categorical_crossentropy").metrics("accuracy"));
        return model;
    }

    /** Times every epoch; optionally keeps training past the timed epochs until {@code allDone} says stop. */
    static final class EpochTimer extends Callback {
        final List<Double> seconds = new ArrayList<>();
        final List<long[]> wallMs = new ArrayList<>();
        /** CPU time of the calling thread per timed epoch (the training thread for a LocalTrainer), s. */
        final List<Double> threadCpu = new ArrayList<>();
        private final int timed;
        private final Runnable onTimedDone;
        private final java.util.function.BooleanSupplier allDone;
        private long start, startWall, startCpu;

        EpochTimer(int timed, Runnable onTimedDone, java.util.function.BooleanSupplier allDone) {
            this.timed = timed;
            this.onTimedDone = onTimedDone;
            this.allDone = allDone;
        }

        @Override
        public void onEpochBegin(int epoch, Map<String, Double> logs) {
            startWall = System.currentTimeMillis();
            startCpu = THREADS.getCurrentThreadCpuTime();
            start = System.nanoTime();
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            long end = System.nanoTime();
            if (seconds.size() < timed) {
                seconds.add((end - start) / 1e9);
                threadCpu.add((THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9);
                wallMs.add(new long[] {startWall, System.currentTimeMillis()});
                if (seconds.size() == timed && onTimedDone != null) {
                    onTimedDone.run();
                }
            }
            if (seconds.size() >= timed && allDone != null && allDone.getAsBoolean()) {
                model.setStopTraining(true);
            }
        }
    }

    // ---------------------------------------------------------------- local trainers

    private int runLocal(INDArray x, INDArray y) throws Exception {
        if (replicas < 1 || instances < 1 || instance < 0 || instance >= instances) {
            throw new BadInputException("need --replicas >= 1 and 0 <= --instance < --instances");
        }
        if (instances > 1 && syncDir == null) {
            throw new BadInputException("--instances > 1 needs --sync-dir");
        }
        int total = replicas * instances;
        Path dir = syncDir;
        if (dir == null && total > 1) {
            dir = Files.createTempDirectory("sparkeras-bench-sync");
        }
        if (dir != null) {
            Files.createDirectories(dir);
        }
        final Path sync = dir;
        List<Sequential> models = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            // Built one after the other: model building touches process-wide counters.
            models.add(model(seed + instance * (long) replicas + r));
        }
        int n = (int) x.size(0);
        List<EpochTimer> timers = new ArrayList<>();
        List<History> histories = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int r = 0; r < replicas; r++) {
            String name = instance + "-" + r;
            EpochTimer timer = total == 1 ? new EpochTimer(epochs, null, null)
                    : new EpochTimer(epochs, () -> touch(sync.resolve("done-" + name)), () -> count(sync, "done-") >= total);
            timers.add(timer);
            Sequential m = models.get(r);
            long s = seed + r;
            threads.add(new Thread(() -> {
                try {
                    if (sync != null) {
                        touch(sync.resolve("ready-" + name));
                        awaitCount(sync, "ready-", total);
                    }
                    // Past the timed epochs the trainer keeps the core busy until every other one is done.
                    int fitEpochs = total == 1 ? epochs : epochs + 1000;
                    histories.add(m.fit(x, y, Fit.epochs(fitEpochs).batchSize(BATCH).verbose(0).seed(s).callbacks(timer)));
                } catch (Throwable t) {
                    failures.add(t);
                    if (sync != null) {
                        touch(sync.resolve("done-" + name));   // do not leave the others waiting
                    }
                }
            }, "local-trainer-" + name));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a local trainer failed: " + failures.get(0), failures.get(0));
        }
        for (History h : histories) {
            if (h.terminatedOnNaN()) {
                out.println("training diverged (non-finite loss)");
                return JobRunner.DIVERGED;
            }
        }
        double sum = 0;
        List<String> each = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            EpochTimer t = timers.get(r);
            double med = median(t.seconds.subList(1, t.seconds.size()));
            double sps = n / med;
            sum += sps;
            each.add(String.format(Locale.ROOT, "%.0f", sps));
            double cpu = t.threadCpu.subList(1, t.threadCpu.size()).stream().mapToDouble(Double::doubleValue).sum()
                    / t.seconds.subList(1, t.seconds.size()).stream().mapToDouble(Double::doubleValue).sum();
            out.printf(Locale.ROOT, "local trainer %d-%d: epoch_s=%s median_2toN_s=%.3f samples_per_s=%.0f thread_cpu/wall=%.2f%n",
                    instance, r, fmt(t.seconds), med, sps, cpu);
        }
        out.printf(Locale.ROOT, "RESULT mode=local replicas=%d instance=%d/%d concurrent_trainers=%d epochs=%d batch=%d"
                        + " per_trainer_samples_per_s=[%s] samples_per_s=%.0f%n",
                replicas, instance, instances, total, epochs, BATCH, String.join(",", each), sum);
        return JobRunner.OK;
    }

    private static void touch(Path p) {
        try {
            Files.writeString(p, "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(Path dir, String prefix) {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitCount(Path dir, String prefix, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (count(dir, prefix) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the other trainers did not start within 600 s (" + dir + ")");
            }
            Thread.sleep(5);
        }
    }

    // ---------------------------------------------------------------- Spark

    private int runSpark(INDArray x, INDArray y) {
        int k = averagingFrequency != null ? averagingFrequency : SparkTrainer.DEFAULT_AVERAGING_FREQUENCY;
        if (k < 1 || partitions < 1) {
            throw new BadInputException("--averaging-frequency and --partitions must be >= 1");
        }
        SparkConf conf = new SparkConf().setMaster(master).setAppName("sparkeras-benchmark")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false");
        for (String c : confs) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException("--conf needs key=value, received \"" + c + "\"");
            }
            conf.set(c.substring(0, eq), c.substring(eq + 1));
        }
        SparkTrainer.configure(conf);
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            SparkJobTimes jobs = new SparkJobTimes();
            spark.sparkContext().addSparkListener(jobs);
            double startS = (System.nanoTime() - t0) / 1e9;
            Sequential model = model(seed);
            SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(k)
                    .dataOptions(SparkDataset.Options.defaults().numPartitions(partitions));
            model.setTrainer(trainer);
            out.printf(Locale.ROOT, "spark: version=%s master=%s default_parallelism=%d partitions=%d averaging_frequency=%d"
                            + " batch_per_worker=%d serializer=%s spark_start_s=%.2f%n",
                    spark.version(), master, spark.sparkContext().defaultParallelism(), partitions, k, BATCH,
                    conf.get("spark.serializer", "JavaSerializer"), startS);
            EpochTimer timer = new EpochTimer(epochs, null, null);
            long f0 = System.nanoTime();
            History h = model.fit(x, y, Fit.epochs(epochs).batchSize(BATCH).verbose(0).seed(seed).callbacks(timer));
            double fitS = (System.nanoTime() - f0) / 1e9;
            if (h.terminatedOnNaN()) {
                out.println("training diverged (non-finite loss)");
                return JobRunner.DIVERGED;
            }
            int n = (int) x.size(0);
            List<SparkTrainer.RoundStats> stats = trainer.roundStats();
            List<SparkJobTimes.Job> allJobs = jobs.jobs();
            double setupS = fitS - timer.seconds.stream().mapToDouble(Double::doubleValue).sum();
            for (int e = 0; e < timer.seconds.size(); e++) {
                final int ep = e;
                List<SparkTrainer.RoundStats> es = stats.stream().filter(s -> s.epoch() == ep).toList();
                double s = timer.seconds.get(e);
                out.printf(Locale.ROOT, "epoch %d: %.3f s  %.0f samples/s  rounds=%d  per round: wall=%.1f broadcast=%.1f"
                                + " job=%.1f aggregate=%.1f max_worker_compute=%.1f overhead=%.1f ms  loss=%.4f accuracy=%.4f"
                                + "  (%s to %s)%n",
                        e + 1, s, n / s, es.size(), 1e3 * s / Math.max(1, es.size()),
                        mean(es, SparkTrainer.RoundStats::broadcastMs), mean(es, SparkTrainer.RoundStats::jobMs),
                        mean(es, SparkTrainer.RoundStats::aggregateMs), mean(es, SparkTrainer.RoundStats::maxWorkerComputeMs),
                        mean(es, SparkTrainer.RoundStats::overheadMs), h.history().get("loss").get(e),
                        h.history().get("accuracy").get(e), clock(timer.wallMs.get(e)[0]), clock(timer.wallMs.get(e)[1]));
            }
            // Epochs 2..N: the trainer's round timings, and the listener's jobs that started within them.
            List<SparkTrainer.RoundStats> measured = stats.stream().filter(s -> s.epoch() >= 1).toList();
            List<SparkJobTimes.Job> measuredJobs = new ArrayList<>();
            double epochsMs = 0;
            for (int e = 1; e < timer.wallMs.size(); e++) {
                long[] w = timer.wallMs.get(e);
                for (SparkJobTimes.Job j : allJobs) {
                    if (j.startMs() >= w[0] && j.startMs() <= w[1]) {
                        measuredJobs.add(j);
                    }
                }
                epochsMs += 1e3 * timer.seconds.get(e);
            }
            double med = median(timer.seconds.subList(1, timer.seconds.size()));
            double sps = n / med;
            int rounds = measured.size();
            double roundWall = epochsMs / Math.max(1, rounds);
            double broadcast = mean(measured, SparkTrainer.RoundStats::broadcastMs);
            double job = mean(measured, SparkTrainer.RoundStats::jobMs);
            double aggregate = mean(measured, SparkTrainer.RoundStats::aggregateMs);
            double compute = mean(measured, SparkTrainer.RoundStats::maxWorkerComputeMs);
            double overhead = mean(measured, SparkTrainer.RoundStats::overheadMs);
            double driverOther = roundWall - broadcast - job - aggregate;
            double taskRun = meanJ(measuredJobs, j -> (double) j.maxRunMs());
            out.printf(Locale.ROOT, "rounds (epochs 2..%d, %d rounds, %.1f per epoch): wall %.1f ms per round = broadcast %.2f"
                            + " + job %.2f + aggregate %.2f + driver other (apply, callbacks) %.2f; slowest worker's compute"
                            + " %.2f -> overhead (broadcast + job - compute + aggregate) %.2f ms, all-in (wall - compute)"
                            + " %.2f ms%n",
                    epochs, rounds, rounds / (double) (epochs - 1), roundWall, broadcast, job, aggregate, driverOther,
                    compute, overhead, roundWall - compute);
            double taskCpu = measuredJobs.stream().mapToLong(SparkJobTimes.Job::sumCpuMs).sum()
                    / (double) Math.max(1, measuredJobs.stream().mapToLong(SparkJobTimes.Job::sumRunMs).sum());
            out.printf(Locale.ROOT, "listener (epochs 2..%d, %d jobs): job %.2f ms, launch delay %.2f, max task run %.2f"
                            + " (mean %.2f, cpu/run %.2f), task deserialize %.2f, result serialize %.2f, getting result %.2f,"
                            + " scheduler delay %.2f, gc %.2f, end delay %.2f ms, result %.0f bytes per task; all-in (wall - max"
                            + " task run) %.2f ms%n",
                    epochs, measuredJobs.size(), meanJ(measuredJobs, j -> (double) j.jobMs()),
                    meanJ(measuredJobs, j -> (double) j.launchDelayMs()), taskRun, meanJ(measuredJobs, SparkJobTimes.Job::meanRunMs),
                    taskCpu,
                    meanJ(measuredJobs, j -> (double) j.maxDeserializeMs()),
                    meanJ(measuredJobs, j -> (double) j.maxResultSerializationMs()),
                    meanJ(measuredJobs, j -> (double) j.maxGettingResultMs()),
                    meanJ(measuredJobs, j -> (double) j.maxSchedulerDelayMs()), meanJ(measuredJobs, j -> (double) j.maxGcMs()),
                    meanJ(measuredJobs, j -> (double) j.endDelayMs()), meanJ(measuredJobs, j -> (double) j.maxResultBytes()),
                    epochsMs / Math.max(1, measuredJobs.size()) - taskRun);
            out.printf(Locale.ROOT, "RESULT mode=spark master=%s partitions=%d averaging_frequency=%d batch=%d epochs=%d"
                            + " epoch_s=%s setup_s=%.2f median_2toN_s=%.3f samples_per_s=%.0f rounds_per_epoch=%.1f"
                            + " round_ms=%.2f broadcast_ms=%.2f job_ms=%.2f aggregate_ms=%.2f worker_compute_ms=%.2f"
                            + " overhead_ms=%.2f driver_other_ms=%.2f allin_overhead_ms=%.2f task_run_ms=%.2f"
                            + " listener_allin_overhead_ms=%.2f train_loss=%.4f train_accuracy=%.4f%n",
                    master, partitions, k, BATCH, epochs, fmt(timer.seconds), setupS, med, sps,
                    rounds / (double) (epochs - 1), roundWall, broadcast, job, aggregate, compute, overhead, driverOther,
                    roundWall - compute, taskRun, epochsMs / Math.max(1, measuredJobs.size()) - taskRun,
                    last(h, "loss"), last(h, "accuracy"));
            return JobRunner.OK;
        } finally {
            spark.stop();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static double mean(List<SparkTrainer.RoundStats> xs, java.util.function.ToDoubleFunction<SparkTrainer.RoundStats> f) {
        return xs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double meanJ(List<SparkJobTimes.Job> xs, Function<SparkJobTimes.Job, Double> f) {
        return xs.stream().mapToDouble(f::apply).average().orElse(Double.NaN);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int m = s.size();
        return m % 2 == 1 ? s.get(m / 2) : (s.get(m / 2 - 1) + s.get(m / 2)) / 2;
    }

    static String fmt(List<Double> xs) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < xs.size(); i++) {
            b.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.3f", xs.get(i)));
        }
        return b.append("]").toString();
    }

    /** Wall-clock time of day (UTC), to line epochs up with external profiles. */
    private static String clock(long epochMs) {
        return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(epochMs));
    }

    private static double last(History h, String key) {
        List<Double> v = h.history().get(key);
        return v == null || v.isEmpty() ? Double.NaN : v.get(v.size() - 1);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? "<unset>" : v;
    }
}
