package org.sparkeras.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.backend.Engine;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.data.Mnist;
import org.sparkeras.data.Split;
import org.sparkeras.layers.Layer;
import org.sparkeras.models.Sequential;
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
 * {@code learning_curves.png} and {@code config.yaml} (the effective config).
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
        prepareOutput(output);
        long seed = cfg.training().seed() != null ? cfg.training().seed() : 42L;
        Seeds.setRandomSeed(seed);

        Sequential model = buildModel(cfg.model());
        model.compile(compileOf(cfg.training()));

        JobConfig.DataSpec d = cfg.data();
        if (!"mnist".equals(d.source())) {
            throw new BadInputException("Unknown data.source \"" + d.source() + "\"; known sources: mnist");
        }
        Mnist mnist = Mnist.load(Path.of(d.path()), limit(d.trainLimit()), limit(d.testLimit()));
        int validation = d.validationSamples() == null ? 5000 : d.validationSamples();
        int trainCount = (int) mnist.trainImages().size(0);
        if (validation < 0 || validation >= trainCount) {
            throw new BadInputException("data.validation_samples must be in [0, " + trainCount + "), received " + validation);
        }
        Split split = Split.holdOut(List.of(mnist.trainImages(), mnist.trainLabels()), validation, seed);
        INDArray xTrain = split.train().get(0), yTrain = split.train().get(1);

        model.summary(out);
        Files.writeString(output.resolve("summary.txt"), model.summaryString(), StandardCharsets.UTF_8);
        writeYaml(output.resolve("config.yaml"), cfg);

        JobConfig.TrainingSpec t = cfg.training();
        Fit fit = Fit.epochs(t.epochs()).batchSize(t.batchSize() == null ? 32 : t.batchSize())
                .verbose(t.verbose() == null ? 1 : t.verbose()).seed(seed).output(out);
        if (validation > 0) {
            fit.validationData(split.validation().get(0), split.validation().get(1));
        }
        long start = System.nanoTime();
        History history = model.fit(xTrain, yTrain, fit);
        double seconds = (System.nanoTime() - start) / 1e9;
        writeJson(output.resolve("history.json"), history.history());
        if (history.terminatedOnNaN()) {
            LOG.error("Training diverged (non-finite loss); no metrics or model written");
            out.println("Training diverged: the loss became NaN or infinite. Lower the learning rate.");
            return JobRunner.DIVERGED;
        }
        LearningCurves.write(history.history(), output.resolve("learning_curves.png"));

        Map<String, Double> test = model.evaluate(mnist.testImages(), mnist.testLabels(), 256);
        Map<String, Object> metrics = new LinkedHashMap<>();
        test.forEach((k, v) -> metrics.put("test_" + k, v));
        metrics.put("test_samples", mnist.testImages().size(0));
        metrics.put("train_samples", xTrain.size(0));
        metrics.put("epochs", history.epochs().size());
        metrics.put("train_seconds", seconds);
        metrics.put("train_samples_per_s", xTrain.size(0) * history.epochs().size() / seconds);
        writeJson(output.resolve("metrics.json"), metrics);
        out.println("Test: " + test);
        return JobRunner.OK;
    }

    private static int limit(Integer v) {
        return v == null || v <= 0 ? Integer.MAX_VALUE : v;
    }

    /** The Sequential model a config describes. */
    static Sequential buildModel(JobConfig.ModelSpec spec) {
        if (!"sequential".equalsIgnoreCase(spec.type())) {
            throw new BadInputException("Unknown model.type \"" + spec.type() + "\"; known types: sequential");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            Map<String, Object> l = new HashMap<>(spec.layers().get(i));
            Object cls = l.remove("class_name");
            if (cls == null) {
                throw new BadInputException("model.layers[" + i + "] needs a class_name, e.g. Dense");
            }
            try {
                layers.add(Registry.create(Registry.Kind.LAYER, cls.toString(), l, Layer.class));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("model.layers[" + i + "]: " + e.getMessage());
            }
        }
        if (layers.isEmpty()) {
            throw new BadInputException("model.layers is empty");
        }
        layers.get(0).inputShape(spec.inputShape().stream().mapToLong(Long::longValue).toArray());
        Sequential model = new Sequential(layers.toArray(new Layer[0]));
        if (spec.name() != null) {
            model.named(spec.name());
        }
        return model;
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
        Compile c = Compile.optimizer(optimizer).loss(t.loss());
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
