package org.sparkeras.jobs;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkeras.backend.Engine;
import org.sparkeras.backend.Host;
import org.sparkeras.backend.Seeds;
import org.sparkeras.data.Mnist;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Flatten;
import org.sparkeras.models.Sequential;
import org.sparkeras.saving.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/benchmark.sh} (inference part): samples/s of the MNIST MLP (Flatten 28x28 -> Dense
 * 300 relu -> Dense 100 relu -> Dense 10 softmax) at inference, Sparkeras's {@code model.predict}
 * against ONNX Runtime running the same model exported with {@link OnnxExport}, in this JVM.
 *
 * <p>One call is one request of {@code batch} MNIST test images: {@code model.predict(x, batch)}
 * (x already an INDArray, the result a new INDArray), and for ONNX Runtime an {@code OnnxTensor}
 * over a direct buffer already holding the images, {@code session.run}, and the probabilities copied
 * out into a float array. Calls cycle through different test images. ONNX Runtime runs
 * single-threaded (intra- and inter-op threads 1, sequential execution, all graph optimizations)
 * for the comparison, and once more with its default thread pool for reference; Sparkeras runs with
 * the native threads of its environment (jobs/lib/common.sh: one, OMP_WAIT_POLICY=PASSIVE).
 *
 * <p>Per batch size: a warm-up of each engine, then {@code --repeat} rounds that time each engine
 * for {@code --seconds} in turn (interleaved, so drifts of a shared machine hit all of them); the
 * figure is the median round. Before timing, the outputs of both engines on 256 test images are
 * compared (the largest absolute difference is printed; above 1e-5 the benchmark fails).
 *
 * <p>ONNX Runtime is a {@code provided} dependency: jobs/lib/common.sh puts it on the classpath;
 * nothing else in Sparkeras needs it. Prints, per batch size, {@code batch=N predict_samples_per_s=
 * onnxruntime_samples_per_s= onnxruntime_default_threads_samples_per_s= predict_vs_onnxruntime=}.
 * Exit codes: 0 measured, 2 bad option, 3 data not readable, ONNX Runtime failing or the engines disagreeing.
 */
@Command(name = "inference-benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures MNIST MLP inference throughput (samples/s): Sparkeras predict against ONNX Runtime on the "
                + "exported model, at each batch size.")
public final class InferenceBenchmark implements Callable<Integer> {
    /** The largest difference between the engines' outputs that the benchmark accepts. */
    static final double TOLERANCE = 1e-5;

    @Option(names = "--batches", defaultValue = "1,256", split = ",", description = "Batch sizes (samples per call; "
            + "default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--seconds", defaultValue = "2", description = "Timed seconds per engine and round (default: "
            + "${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "Untimed seconds per engine and batch size "
            + "first (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--repeat", defaultValue = "3", description = "Interleaved rounds; the median is reported (default: "
            + "${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--data", defaultValue = "data/mnist", description = "MNIST directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights (default: ${DEFAULT-VALUE})")
    long seed;

    private final PrintStream out;

    public InferenceBenchmark() {
        this(System.out);
    }

    InferenceBenchmark(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Engine.init();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark and returns its exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return JobRunner.run(new InferenceBenchmark(out), args, out, err);
    }

    /** One engine answering requests of one batch size: {@code serve(i)} processes the i-th request. */
    private interface Server {
        void serve(int index) throws OrtException;
    }

    @Override
    public Integer call() throws IOException {
        for (int b : batches) {
            if (b < 1) {
                throw new BadInputException("--batches must be positive integers, received " + batches);
            }
        }
        if (!(seconds > 0) || warmupSeconds < 0 || repeat < 1) {
            throw new BadInputException("--seconds must be > 0, --warmup-seconds >= 0 and --repeat >= 1, received "
                    + seconds + ", " + warmupSeconds + " and " + repeat);
        }
        Mnist mnist = Mnist.load(data, 1, 10_000);
        INDArray images = mnist.testImages();
        int n = (int) images.size(0);

        Seeds.setRandomSeed(seed);
        Sequential model = new Sequential(
                new Flatten().inputShape(28, 28),
                new Dense(300, "relu"),
                new Dense(100, "relu"),
                new Dense(10, "softmax"));
        byte[] onnx = OnnxExport.toBytes(model);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions single = new OrtSession.SessionOptions();
                OrtSession.SessionOptions defaults = new OrtSession.SessionOptions()) {
            single.setIntraOpNumThreads(1);
            single.setInterOpNumThreads(1);
            single.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            single.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            defaults.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession ort = env.createSession(onnx, single); OrtSession ortDefault = env.createSession(onnx, defaults)) {
                out.printf(Locale.ROOT, "env: OMP_NUM_THREADS=%s OPENBLAS_NUM_THREADS=%s OPENBLAS_CORETYPE=%s "
                                + "OMP_WAIT_POLICY=%s cpus=%d java=%s onnxruntime=%s%n", env("OMP_NUM_THREADS"),
                        env("OPENBLAS_NUM_THREADS"), env("OPENBLAS_CORETYPE"), env("OMP_WAIT_POLICY"),
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), env.getVersion());
                out.printf(Locale.ROOT, "model: MNIST MLP 784-300-100-10, %,d parameters, ONNX %,d bytes (opset %d); "
                        + "test images: %d%n", model.countParams(), onnx.length, OnnxExport.OPSET_VERSION, n);
                checkOutputs(model, ort, env, images);
                for (int batch : batches) {
                    measure(model, ort, ortDefault, env, images, batch);
                }
            }
        } catch (OrtException e) {
            throw new JobFailedException(JobRunner.INFRASTRUCTURE, "ONNX Runtime failed: " + e.getMessage(), e);
        }
        return JobRunner.OK;
    }

    /** Both engines on the first 256 test images: prints and bounds the largest difference. */
    private void checkOutputs(Sequential model, OrtSession ort, OrtEnvironment env, INDArray images)
            throws OrtException {
        int rows = (int) Math.min(256, images.size(0));
        INDArray x = slice(images, 0, rows);
        float[] expected = Host.toFloats(model.predict(x, rows), null);
        float[] actual = new float[rows * 10];
        try (OnnxTensor t = OnnxTensor.createTensor(env, direct(x), new long[] {rows, 28, 28});
                OrtSession.Result r = ort.run(Map.of("input", t))) {
            ((OnnxTensor) r.get(0)).getFloatBuffer().get(actual);
        }
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        out.printf(Locale.ROOT, "check: %d images, max |predict - onnxruntime| = %.3g%n", rows, max);
        if (!(max <= TOLERANCE)) {
            throw new JobFailedException(JobRunner.INFRASTRUCTURE, "The exported model's outputs differ from predict's by "
                    + max + " (more than " + TOLERANCE + ")", null);
        }
    }

    private void measure(Sequential model, OrtSession ort, OrtSession ortDefault, OrtEnvironment env, INDArray images,
            int batch) throws OrtException {
        int count = (int) Math.max(1, Math.min(64, images.size(0) / batch));
        List<INDArray> xs = new ArrayList<>();
        List<FloatBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            INDArray x = slice(images, (long) i * batch % (images.size(0) - batch + 1), batch);
            xs.add(x);
            buffers.add(direct(x));
        }
        long[] shape = {batch, 28, 28};
        float[] sink = new float[batch * 10];
        double[] checksum = new double[1];
        Server sparkeras = i -> {
            INDArray y = model.predict(xs.get(i % count), batch);
            checksum[0] += y.getFloat(0, 0);
        };
        Server single = i -> runOrt(ort, env, buffers.get(i % count), shape, sink, checksum);
        Server pooled = i -> runOrt(ortDefault, env, buffers.get(i % count), shape, sink, checksum);
        List<Server> engines = List.of(sparkeras, single, pooled);
        for (Server e : engines) {
            time(e, warmupSeconds);
        }
        double[][] rates = new double[engines.size()][repeat];
        for (int r = 0; r < repeat; r++) {
            for (int e = 0; e < engines.size(); e++) {
                rates[e][r] = time(engines.get(e), seconds) * batch;
            }
        }
        double predict = median(rates[0]), onnx = median(rates[1]), onnxDefault = median(rates[2]);
        out.printf(Locale.ROOT, "batch=%d predict_samples_per_s=%.0f onnxruntime_samples_per_s=%.0f "
                        + "onnxruntime_default_threads_samples_per_s=%.0f predict_vs_onnxruntime=%.2f%n", batch, predict,
                onnx, onnxDefault, predict / onnx);
        out.printf(Locale.ROOT, "  rounds (samples/s): predict %s, onnxruntime %s, onnxruntime default threads %s "
                + "(checksum %.3f)%n", Arrays.toString(round(rates[0])), Arrays.toString(round(rates[1])),
                Arrays.toString(round(rates[2])), checksum[0]);
    }

    private static void runOrt(OrtSession session, OrtEnvironment env, FloatBuffer input, long[] shape, float[] sink,
            double[] checksum) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, input.duplicate(), shape);
                OrtSession.Result r = session.run(Map.of("input", t))) {
            OnnxValue v = r.get(0);
            ((OnnxTensor) v).getFloatBuffer().get(sink);
        }
        checksum[0] += sink[0];
    }

    /** Calls per second of {@code e} over about {@code seconds} (at least one call). */
    private static double time(Server e, double seconds) throws OrtException {
        long budget = (long) (seconds * 1e9), start = System.nanoTime(), now;
        int calls = 0;
        do {
            e.serve(calls++);
            now = System.nanoTime();
        } while (now - start < budget);
        return calls / ((now - start) / 1e9);
    }

    private static INDArray slice(INDArray images, long from, long rows) {
        return images.get(NDArrayIndex.interval(from, from + rows), NDArrayIndex.all(), NDArrayIndex.all()).dup('c');
    }

    /** A direct native-order buffer holding the images, as a server would hand them to ONNX Runtime. */
    private static FloatBuffer direct(INDArray x) {
        float[] values = Host.toFloats(x, null);
        FloatBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(values).rewind();
        return b;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long[] round(double[] v) {
        return Arrays.stream(v).mapToLong(Math::round).toArray();
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? "<unset>" : v;
    }
}
