package org.sparkeras.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Engine;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Shapes;
import org.sparkeras.models.Model;
import org.sparkeras.saving.ModelArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/describe.sh --model <model> | --config <file> [--json]}: what a model is, without
 * running it. {@code --model} (an archive, a run directory or a registry, resolved by
 * {@link ModelSource}) prints the model's Keras summary (layers, output shapes, parameter counts),
 * its inputs and outputs with their shapes, its compile settings (optimizer, loss, loss weights and
 * metrics per output) and, for a run directory or a registry, the headline figures of the run's
 * {@code metrics.json} and the run id the registry's {@code latest} names. {@code --config} builds
 * the model a job config describes (for its data's input shapes, without training), compiles it with
 * the config's training section and prints the same, so a config can be checked before a run.
 * {@code --json} prints one JSON object instead.
 *
 * <p>Exit codes: 0 described, 2 bad input or config (a missing model, a bad config, a config whose
 * data does not fit its model), 3 infrastructure failure (I/O).
 */
@Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints a saved model's summary, inputs, outputs, compile settings and run metrics, or those of "
                + "the model a job config describes (built, not trained).")
public final class DescribeJob implements Callable<Integer> {
    /** The keys of metrics.json shown besides the test_* figures. */
    static final List<String> HEADLINE = List.of("train_samples", "epochs", "resumed_from_epoch", "train_seconds",
            "trainer", "master");

    @Option(names = "--model", paramLabel = "<model>", description = "A model archive (model.zip), a run directory "
            + "(train.sh --output) or a model registry (train.sh --publish; its latest run); a local, hdfs: or s3a: path")
    String model;

    @Option(names = "--config", paramLabel = "<file>", description = "A job config (YAML): describe the model it builds, "
            + "without training")
    Path config;

    @Option(names = "--json", description = "Print one JSON object instead of text")
    boolean json;

    private final PrintStream out;

    public DescribeJob() {
        this(System.out);
    }

    DescribeJob(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Engine.init();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the job and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return JobRunner.run(new DescribeJob(out), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        if ((model == null) == (config == null)) {
            throw new BadInputException("Give either --model <model.zip | run dir | registry dir> or --config <job config>"
                    + (model != null ? ", not both" : ""));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        Model m;
        String compiledFrom;
        Map<String, Object> runMetrics = null;
        if (config != null) {
            JobConfig cfg = ConfigReader.read(config);
            m = ModelFactory.build(cfg.model());
            JobData.checkFits(cfg.data(), m, "The model of " + config, "the same config");
            if (!m.isModelBuilt()) {
                m.build(JobData.inputShapes(cfg.data(), m));
            }
            m.compile(TrainJob.compileOf(cfg.training()));
            compiledFrom = "the training section of " + config;
            d.put("source", "config");
            d.put("config", config.toString());
        } else {
            ModelSource source = ModelSource.resolve(model);
            m = source.load();
            compiledFrom = source.isArchive() ? "the model archive" : null;
            JobConfig runConfig = source.runConfig();
            if (!m.isCompiled() && runConfig != null) {
                m.compile(TrainJob.compileOf(runConfig.training()));
                compiledFrom = "the training section of " + source.runDirectory() + "/" + ModelSource.CONFIG + " ("
                        + source.modelFile() + " holds no compile settings)";
            }
            d.put("source", source.kind().label());
            d.put("model", source.modelFile());
            if (source.runDirectory() != null) {
                d.put("run_directory", source.runDirectory());
            }
            if (source.registry() != null) {
                d.put("registry", source.registry());
                d.put("run_id", source.runId());
                d.put("latest", source.latest());
            }
            runMetrics = headline(source.runMetrics());
        }
        d.put("name", m.name());
        d.put("class_name", m.className());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : m.layers()) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("name", l.name());
            layer.put("class_name", l.className());
            layer.put("output_shape", l.outputShape() == null ? null : batchShape(l.outputShape()));
            layer.put("params", l.countParams());
            layers.add(layer);
        }
        d.put("layers", layers);
        long total = 0, trainable = 0;
        for (Variable v : m.weights()) {
            total += v.size();
            trainable += v.trainable() ? v.size() : 0;
        }
        d.put("total_params", total);
        d.put("trainable_params", trainable);
        d.put("non_trainable_params", total - trainable);
        d.put("inputs", tensors(m.inputNames(), m.inputShapes()));
        d.put("outputs", tensors(m.outputNames(), m.outputShapes()));
        Map<String, Object> compile = m.isCompiled() ? ModelArchive.compileConfig(m) : null;
        d.put("compile", compile);
        if (compile != null) {
            d.put("compile_source", compiledFrom);
        }
        if (runMetrics != null) {
            d.put("run_metrics", runMetrics);
        }
        String summary = m.summaryString();
        d.put("summary", summary);

        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(d));
        } else {
            printText(d, summary, m.isCompiled());
        }
        return JobRunner.OK;
    }

    private void printText(Map<String, Object> d, String summary, boolean compiled) {
        if ("config".equals(d.get("source"))) {
            out.println("Config: " + d.get("config") + " (the model built, not trained)");
        } else {
            out.println("Model file: " + d.get("model"));
            if (d.containsKey("run_directory")) {
                out.println("Run directory: " + d.get("run_directory"));
            }
            if (d.containsKey("registry")) {
                out.println("Registry: " + d.get("registry") + "; " + Publisher.LATEST + " names run " + d.get("latest")
                        + ("registry".equals(d.get("source")) ? "" : "; this is run " + d.get("run_id")));
            }
        }
        out.print(summary);
        out.println("Inputs:");
        tensorLines(d.get("inputs"));
        out.println("Outputs:");
        tensorLines(d.get("outputs"));
        @SuppressWarnings("unchecked")
        Map<String, Object> compile = (Map<String, Object>) d.get("compile");
        if (compile == null) {
            out.println("Compile: " + (compiled ? "compiled with objects that have no registered name" : "not compiled"));
        } else {
            out.println("Compile (from " + d.get("compile_source") + "):");
            @SuppressWarnings("unchecked")
            Map<String, Object> opt = (Map<String, Object>) compile.get("optimizer");
            out.println("  optimizer: " + opt.get("class_name") + " " + opt.get("config"));
            for (String key : List.of("loss", "loss_weights", "metrics")) {
                out.println("  " + key + ": " + perOutput(compile.get(key)));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) d.get("run_metrics");
        if (metrics != null) {
            out.println("Run metrics (" + d.get("run_directory") + "/" + ModelSource.METRICS + "):");
            metrics.forEach((k, v) -> out.println("  " + k + "=" + v));
        } else if (d.containsKey("run_directory")) {
            out.println("Run metrics: " + d.get("run_directory") + " has no " + ModelSource.METRICS);
        }
    }

    private void tensorLines(Object tensors) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) tensors;
        for (Map<String, Object> t : list) {
            out.println("  " + t.get("name") + ": " + t.get("shape_text"));
        }
    }

    /** "main_output: mean_squared_error, aux_output: ..." for a map by output; losses by class name. */
    private static String perOutput(Object byOutput) {
        List<String> parts = new ArrayList<>();
        ((Map<?, ?>) byOutput).forEach((output, v) -> {
            Object shown = v instanceof Map<?, ?> m && m.containsKey("class_name")
                    ? m.get("class_name") + (m.get("config") instanceof Map<?, ?> c && !c.isEmpty() ? " " + c : "") : v;
            parts.add(output + ": " + shown);
        });
        return String.join(", ", parts);
    }

    private static List<Map<String, Object>> tensors(List<String> names, List<long[]> shapes) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", names.get(i));
            long[] s = shapes.get(i);
            t.put("shape", s == null ? null : batchShape(s));
            t.put("shape_text", s == null ? "?" : Shapes.withBatch(s));
            out.add(t);
        }
        return out;
    }

    /** A per-sample shape with the batch dimension as null, as Keras's JSON writes it: [null, 28, 28]. */
    private static List<Long> batchShape(long[] perSample) {
        List<Long> l = new ArrayList<>();
        l.add(null);
        for (long v : perSample) {
            l.add(v < 0 ? null : v);
        }
        return l;
    }

    /** The test_* figures of metrics.json and the keys of {@link #HEADLINE}, in the file's order; null without a file. */
    static Map<String, Object> headline(Map<String, Object> metrics) {
        if (metrics == null) {
            return null;
        }
        Map<String, Object> h = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (k.toLowerCase(Locale.ROOT).startsWith("test_") || HEADLINE.contains(k)) {
                h.put(k, v);
            }
        });
        return h;
    }
}
