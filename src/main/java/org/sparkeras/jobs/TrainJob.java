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
 * writes the run directory: {@code history.json}, {@code metrics.json}, {@code summary.txt},
 * {@code learning_curves.png}, {@code config.yaml} (the effective config), TensorBoard event files
 * in {@code tensorboard/} and the trained model ({@code model.zip}, or
 * {@code model.weights.safetensors} for a subclassed model).
 *
 * <p>Exit codes: 0 trained, 2 bad input or config, 3 infrastructure failure (I/O), 4 divergence
 * (non-finite loss; nothing but the history is written).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a Sparkeras model from a config file and writes history.json, metrics.json, "
                + "summary.txt, learning_curves.png and config.yaml into the output directory.")
public final class TrainJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    @Option(names = "--config", required = true, description = "Job config file (YAML), e.g. conf/mnist-mlp.yaml")
    Path config;

    @Option(names = "--output", required = true, description = "Run directory to write (created; may exist empty)")
    Path output;

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
        long seed = cfg.training().seed() != null ? cfg.training().seed() : 42L;
        Seeds.setRandomSeed(seed);
        Model model = ModelFactory.build(cfg.model());
        model.compile(compileOf(cfg.training()));
        JobData data = JobData.load(cfg.data(), model, seed);
        prepareOutput(output);
        writeYaml(output.resolve("config.yaml"), cfg);

        JobConfig.TrainingSpec t = cfg.training();
        Fit fit = Fit.epochs(t.epochs()).batchSize(t.batchSize() == null ? 32 : t.batchSize())
                .verbose(t.verbose() == null ? 1 : t.verbose()).seed(seed).output(out)
                .callbacks(new TensorBoard(output.resolve("tensorboard")));
        if (data.xValid() != null) {
            fit.validationData(data.xValid(), data.yValid());
        }
        if (model.isModelBuilt()) {
            model.summary(out);
        }
        long start = System.nanoTime();
        History history = model.fit(data.xTrain(), data.yTrain(), fit);
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.writeString(output.resolve("summary.txt"), model.summaryString(), StandardCharsets.UTF_8);
        writeJson(output.resolve("history.json"), history.history());
        if (history.terminatedOnNaN()) {
            LOG.error("Training diverged (non-finite loss); no metrics written");
            out.println("Training diverged: the loss became NaN or infinite. Lower the learning rate.");
            return JobRunner.DIVERGED;
        }
        LearningCurves.write(history.history(), output.resolve("learning_curves.png"));
        saveModel(model, output, seed);

        Map<String, Double> test = model.evaluate(data.xTest(), data.yTest(), 256);
        Map<String, Object> metrics = new LinkedHashMap<>();
        test.forEach((k, v) -> metrics.put("test_" + k, v));
        if ("california_housing".equals(cfg.data().source())) {
            metrics.put("test_mse", mse(model.predict(data.xTest(), 256).get(0), data.yTest().get(0)));
        }
        long trainSamples = data.xTrain().get(0).size(0);
        metrics.put("test_samples", data.xTest().get(0).size(0));
        metrics.put("train_samples", trainSamples);
        metrics.put("epochs", history.epochs().size());
        metrics.put("train_seconds", seconds);
        metrics.put("train_samples_per_s", trainSamples * history.epochs().size() / seconds);
        writeJson(output.resolve("metrics.json"), metrics);
        out.println("Test: " + metrics);
        return JobRunner.OK;
    }

    /**
     * Writes the trained model into the run directory: the model archive {@code model.zip}, or for
     * a subclassed model (whose architecture is code) its weights, {@code model.weights.safetensors}.
     */
    static void saveModel(Model model, Path output, long seed) {
        if (model instanceof org.sparkeras.models.Sequential || model instanceof org.sparkeras.models.Functional) {
            model.save(output.resolve("model.zip").toString(), true, seed);
        } else {
            model.saveWeights(output.resolve("model.weights.safetensors").toString());
        }
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
