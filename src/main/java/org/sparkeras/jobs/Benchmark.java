package org.sparkeras.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Engine;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.data.Mnist;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Flatten;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.Adam;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/benchmark.sh}: MNIST training throughput of the reference MLP (Flatten 28x28 -> Dense
 * 300 relu -> Dense 100 relu -> Dense 10 softmax, Glorot-uniform kernels, zero biases, sparse
 * categorical cross-entropy, accuracy) in config A (SGD 0.01, batch 32) and config B (Adam 0.001,
 * batch 128), trained with the public API ({@code model.fit}) on the 60,000 MNIST training images
 * held in memory, shuffled every epoch as in real training.
 *
 * <p>Per config: a warm-up {@code fit} of {@code --warmup} steps (JIT, array pool; 500 steps were
 * measured too few for config B run alone: 45,000 instead of 55,000 samples/s, with the C2
 * compiler still busy during the timed run), then a timed {@code fit} of {@code --steps} steps
 * spread over whole epochs of equal length (each epoch draws a new permutation). Only the timed {@code fit} call is measured (wall clock, plus process CPU
 * time). Prints the environment, one line per config (steps, seconds, samples/s, and the running
 * loss and accuracy of the last timed epoch) and, last, {@code samples_per_s_<config>=N}.
 *
 * <p>Exit codes: 0 measured, 2 bad option, 3 data not readable, 4 training diverged.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures MNIST MLP training throughput (samples/s) in config A (SGD 0.01, batch 32) and "
                + "config B (Adam 0.001, batch 128) with model.fit on in-memory data.")
public final class Benchmark implements Callable<Integer> {

    /** One benchmark configuration: optimizer, batch size and default number of timed steps. */
    record Config(String name, String optimizerLabel, Supplier<Optimizer> optimizer, int batchSize, int defaultSteps) {}

    static final Map<String, Config> CONFIGS = new LinkedHashMap<>();

    static {
        // Defaults: five full epochs each (60,000 / 32 = 1875 and 60,000 / 128 = 469 steps).
        CONFIGS.put("A", new Config("A", "SGD(learning_rate=0.01)", () -> new SGD(0.01), 32, 9375));
        CONFIGS.put("B", new Config("B", "Adam(learning_rate=0.001)", () -> new Adam(0.001), 128, 2345));
    }

    @Option(names = "--steps", description = "Timed training steps per config (default: 9375 for A, 2345 for B, "
            + "i.e. five epochs each)")
    Integer steps;

    @Option(names = "--warmup", defaultValue = "2000", description = "Untimed warm-up steps per config (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--data", defaultValue = "data/mnist", description = "MNIST directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--configs", defaultValue = "A,B", split = ",", description = "Configs to run, in order (default: ${DEFAULT-VALUE})")
    List<String> configs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights and of the shuffling (default: ${DEFAULT-VALUE})")
    long seed;

    private final PrintStream out;

    public Benchmark() {
        this(System.out);
    }

    Benchmark(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Engine.init();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark and returns its exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return JobRunner.run(new Benchmark(out), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        List<Config> selected = new ArrayList<>();
        for (String name : configs) {
            Config c = CONFIGS.get(name.trim().toUpperCase(Locale.ROOT));
            if (c == null) {
                throw new BadInputException("Unknown config \"" + name + "\"; known configs: " + CONFIGS.keySet());
            }
            selected.add(c);
        }
        if (steps != null && steps <= 0) {
            throw new BadInputException("--steps must be a positive integer, received " + steps);
        }
        if (warmup < 0) {
            throw new BadInputException("--warmup must be >= 0, received " + warmup);
        }

        out.printf(Locale.ROOT, "env: OMP_NUM_THREADS=%s OPENBLAS_NUM_THREADS=%s OPENBLAS_CORETYPE=%s OMP_WAIT_POLICY=%s"
                        + " openblas_coretype_in_use=%s cpus=%d java=%s%n",
                env("OMP_NUM_THREADS"), env("OPENBLAS_NUM_THREADS"), env("OPENBLAS_CORETYPE"), env("OMP_WAIT_POLICY"),
                Engine.coreType() == null ? "<openblas-detected>" : Engine.coreType(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        long t0 = System.nanoTime();
        Mnist mnist = Mnist.load(data, Integer.MAX_VALUE, 1);
        INDArray x = mnist.trainImages(), y = mnist.trainLabels();
        int n = (int) x.size(0);
        out.printf(Locale.ROOT, "data: %s train_samples=%d load_s=%.2f%n", data.toAbsolutePath().normalize(), n,
                (System.nanoTime() - t0) / 1e9);

        Map<String, Double> results = new LinkedHashMap<>();
        for (Config c : selected) {
            Double sps = runConfig(c, x, y, n);
            if (sps == null) {
                return JobRunner.DIVERGED;
            }
            results.put(c.name(), sps);
        }
        for (Map.Entry<String, Double> r : results.entrySet()) {
            out.printf(Locale.ROOT, "samples_per_s_%s=%.0f%n", r.getKey(), r.getValue());
        }
        return JobRunner.OK;
    }

    /** Trains config c once (warm-up, then the timed run); returns samples/s, or null on divergence. */
    private Double runConfig(Config c, INDArray x, INDArray y, int n) {
        Seeds.setRandomSeed(seed);
        Sequential model = new Sequential(
                new Flatten().inputShape(28, 28),
                new Dense(300, "relu"),
                new Dense(100, "relu"),
                new Dense(10, "softmax"));
        model.compile(Compile.optimizer(c.optimizer().get()).loss("sparse_categorical_crossentropy").metrics("accuracy"));

        int batch = c.batchSize();
        int stepsPerFullEpoch = (n + batch - 1) / batch;
        int warmEpochs = 0, warmSteps = 0;
        if (warmup > 0) {
            // Untimed: the warm-up steps spread over as few (shuffled) epochs as they need.
            warmEpochs = (warmup + stepsPerFullEpoch - 1) / stepsPerFullEpoch;
            int warmPerEpoch = (warmup + warmEpochs - 1) / warmEpochs;
            warmSteps = warmEpochs * Math.min(warmPerEpoch, stepsPerFullEpoch);
            History h = model.fit(x, y, Fit.epochs(warmEpochs).batchSize(batch).stepsPerEpoch(warmPerEpoch)
                    .verbose(0).seed(seed));
            if (h.terminatedOnNaN()) {
                out.printf("config=%s: training diverged during warm-up (non-finite loss)%n", c.name());
                return null;
            }
        }

        int requested = steps != null ? steps : c.defaultSteps();
        int epochs = (requested + stepsPerFullEpoch - 1) / stepsPerFullEpoch;
        int perEpoch = (requested + epochs - 1) / epochs;
        int stepsDone = epochs * Math.min(perEpoch, stepsPerFullEpoch);
        long samplesPerEpoch = perEpoch >= stepsPerFullEpoch ? n : (long) perEpoch * batch;
        long samples = epochs * samplesPerEpoch;
        // Continue the epoch count after the warm-up so every epoch draws a new permutation.
        Fit fit = Fit.epochs(warmEpochs + epochs).initialEpoch(warmEpochs).batchSize(batch).stepsPerEpoch(perEpoch)
                .verbose(0).seed(seed);

        long cpu0 = cpuNanos(), t0 = System.nanoTime();
        History h = model.fit(x, y, fit);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
        if (h.terminatedOnNaN()) {
            out.printf("config=%s: training diverged (non-finite loss)%n", c.name());
            return null;
        }
        double sps = samples / seconds;
        out.printf(Locale.ROOT, "config=%s optimizer=%s batch=%d warmup_steps=%d steps=%d epochs=%d steps_per_epoch=%d"
                        + " samples=%d seconds=%.3f cpu_s=%.3f samples_per_s=%.0f train_loss=%.4f train_accuracy=%.4f"
                        + " omp_threads=%s%n",
                c.name(), c.optimizerLabel(), batch, warmSteps, stepsDone, epochs, Math.min(perEpoch, stepsPerFullEpoch),
                samples, seconds, cpuSeconds, sps, last(h, "loss"), last(h, "accuracy"), env("OMP_NUM_THREADS"));
        return sps;
    }

    private static double last(History h, String key) {
        List<Double> v = h.history().get(key);
        return v == null || v.isEmpty() ? Double.NaN : v.get(v.size() - 1);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? "<unset>" : v;
    }

    /** CPU time of the whole process (JVM and native threads). */
    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean b = ManagementFactory.getOperatingSystemMXBean();
        return b instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0L;
    }
}
