package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.models.Model;
import org.sparkeras.saving.SafeTensors;
import org.sparkeras.spark.SparkTestSessions;

/**
 * {@code jobs/evaluate.sh}: a model trained by a small train job run, evaluated again from its run
 * directory, its archive and a registry, in this JVM and on Spark local mode, gives the test figures
 * the train job wrote into metrics.json.
 */
class EvaluateJobTest {
    @TempDir
    static Path dir;

    static final String SMALL = String.join("\n",
            "description: a small MNIST run",
            "model:",
            "  type: sequential",
            "  input_shape: [28, 28]",
            "  layers:",
            "    - {class_name: Flatten}",
            "    - {class_name: Dense, units: 32, activation: relu}",
            "    - {class_name: Dense, units: 10, activation: softmax}",
            "data:",
            "  source: mnist",
            "  path: data/mnist",
            "  validation_samples: 500",
            "  train_limit: 3000",
            "  test_limit: 1000",
            "training:",
            "  optimizer: {name: adam, learning_rate: 0.001}",
            "  loss: sparse_categorical_crossentropy",
            "  metrics: [accuracy]",
            "  epochs: 1",
            "  batch_size: 32",
            "  seed: 1",
            "  verbose: 0",
            "");

    /** Run r1 (seed 1; also a plain run directory) and r2 (seed 2), both published, r2 last. */
    static Path config, runA, runB, registry;

    record Run(int code, String out, String err) {
        /** The name=value lines of standard output, which must be all it holds. */
        Map<String, Double> values() {
            Map<String, Double> m = new LinkedHashMap<>();
            Pattern line = Pattern.compile("([A-Za-z0-9_]+)=(.+)");
            for (String l : out.split("\n")) {
                if (l.isBlank()) {
                    continue;
                }
                Matcher x = line.matcher(l.strip());
                assertTrue(x.matches(), "not a name=value line: \"" + l + "\" in\n" + out);
                m.put(x.group(1), Double.parseDouble(x.group(2)));
            }
            return m;
        }
    }

    static Run train(Path cfg, String... args) {
        List<String> a = new ArrayList<>(List.of("--config", cfg.toString()));
        a.addAll(List.of(args));
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = TrainJob.run(a.toArray(new String[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static Run evaluate(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = EvaluateJob.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void trainTwoRuns() throws Exception {
        config = dir.resolve("mnist.yaml");
        Files.writeString(config, SMALL);
        Path seed2 = dir.resolve("mnist-seed2.yaml");
        Files.writeString(seed2, SMALL.replace("seed: 1", "seed: 2"));
        runA = dir.resolve("runA");
        runB = dir.resolve("runB");
        registry = dir.resolve("registry");
        Run a = train(config, "--output", runA.toString(), "--publish", registry.toString(), "--run-id", "r1");
        assertEquals(0, a.code(), a.err());
        Run b = train(seed2, "--output", runB.toString(), "--publish", registry.toString(), "--run-id", "r2");
        assertEquals(0, b.code(), b.err());
    }

    @AfterAll
    static void stopSpark() {
        SparkTestSessions.stop();
    }

    static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    /**
     * Every test_* figure of metrics.json that evaluate computes (all but test_samples and the
     * housing job's separately computed test_mse) equals the evaluated metric of the same name.
     */
    static void assertSameTestMetrics(Path metricsJson, Map<String, Double> evaluated, double tolerance) throws Exception {
        JsonNode m = json(metricsJson);
        TreeSet<String> names = new TreeSet<>();
        for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.startsWith("test_") && !k.equals("test_samples") && !k.equals("test_mse")) {
                names.add(k.substring("test_".length()));
            }
        }
        assertEquals(names, new TreeSet<>(evaluated.keySet()), "metric names of " + metricsJson + " vs " + evaluated);
        for (String n : names) {
            assertEquals(m.get("test_" + n).asDouble(), evaluated.get(n), tolerance, n);
        }
    }

    @Test
    void aRunDirectoryAndItsArchiveGiveTheTestMetricsOfTheTrainJob() throws Exception {
        Path out = dir.resolve("eval-run");
        Run r = evaluate("--model", runA.toString(), "--config", config.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Double> values = r.values();
        assertEquals(List.of("loss", "accuracy"), List.copyOf(values.keySet()), r.out());
        assertSameTestMetrics(runA.resolve("metrics.json"), values, 1e-6);
        assertTrue(r.err().contains("on the 1000 test samples"), r.err());

        JsonNode e = json(out.resolve("evaluation.json"));
        assertEquals(runA.resolve("model.zip").toString(), e.get("model").asText());
        assertEquals("run", e.get("model_source").asText());
        assertEquals(config.toString(), e.get("config").asText());
        assertEquals(1000, e.get("samples").asInt());
        assertEquals("local", e.get("trainer").asText());
        assertEquals(values.get("loss"), e.get("metrics").get("loss").asDouble(), 0.0);
        assertEquals(values.get("accuracy"), e.get("metrics").get("accuracy").asDouble(), 0.0);
        try (var files = Files.list(out)) {
            assertEquals(List.of("evaluation.json"), files.map(f -> f.getFileName().toString()).toList(),
                    "no temporary file is left beside evaluation.json");
        }

        Run archive = evaluate("--model", runA.resolve("model.zip").toString(), "--config", config.toString());
        assertEquals(0, archive.code(), archive.err());
        assertEquals(values, archive.values());
    }

    @Test
    @Timeout(300)
    void onSparkLocalModeTheMetricsMatchTheTrainJob() throws Exception {
        SparkTestSessions.stop();
        Path out = dir.resolve("eval-spark");
        Run r = evaluate("--model", runA.toString(), "--config", config.toString(), "--master", "local[2]", "--output",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertSameTestMetrics(runA.resolve("metrics.json"), r.values(), 1e-5);
        assertTrue(r.err().contains("on Spark, master local[2]"), r.err());
        JsonNode e = json(out.resolve("evaluation.json"));
        assertEquals("spark", e.get("trainer").asText());
        assertEquals("local[2]", e.get("master").asText());
        assertTrue(SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty(),
                "the job stops the session it started");
    }

    @Test
    void aRegistryIsEvaluatedThroughTheRunItsLatestNames() throws Exception {
        assertEquals("r2", Files.readString(registry.resolve("latest")).trim());
        Path out = dir.resolve("eval-registry");
        Run r = evaluate("--model", registry.toString(), "--config", config.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertSameTestMetrics(registry.resolve("r2/metrics.json"), r.values(), 1e-6);
        assertNotEquals(json(registry.resolve("r1/metrics.json")).get("test_loss").asDouble(), r.values().get("loss"),
                "run r1 is not the one latest names");
        JsonNode e = json(out.resolve("evaluation.json"));
        assertEquals("registry", e.get("model_source").asText());
        assertEquals("r2", e.get("run_id").asText());
        assertEquals(registry.resolve("r2/model.zip").toString(), e.get("model").asText());
        // r2 trained with seed 2; its config differs from the one given here (seed 1) only in the seed.
        assertTrue(r.err().contains("note: the data section or seed of"), r.err());

        // A run directory of the registry is a run directory too: r1 read directly.
        Run r1 = evaluate("--model", registry.resolve("r1").toString(), "--config", config.toString());
        assertEquals(0, r1.code(), r1.err());
        assertSameTestMetrics(registry.resolve("r1/metrics.json"), r1.values(), 1e-6);
    }

    @Test
    void aMissingModelIsBadInputNamingThePath() throws Exception {
        String missing = dir.resolve("no-such-run").toString();
        Run r = evaluate("--model", missing, "--config", config.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("Model not found: " + missing), r.err());
        assertTrue(r.out().isBlank(), r.out());

        Path empty = Files.createDirectories(dir.resolve("empty-dir"));
        Run e = evaluate("--model", empty.toString(), "--config", config.toString());
        assertEquals(2, e.code(), e.err());
        assertTrue(e.err().contains("No model in directory " + empty), e.err());

        Path notAZip = Files.writeString(dir.resolve("not-a-model.zip"), "hello");
        Run z = evaluate("--model", notAZip.toString(), "--config", config.toString());
        assertEquals(2, z.code(), z.err());
        assertTrue(z.err().contains(notAZip.toString()), z.err());

        Path badRegistry = Files.createDirectories(dir.resolve("bad-registry"));
        Files.writeString(badRegistry.resolve("latest"), "../etc\n");
        Run l = evaluate("--model", badRegistry.toString(), "--config", config.toString());
        assertEquals(2, l.code(), l.err());
        assertTrue(l.err().contains(badRegistry.resolve("latest") + " does not name a run id"), l.err());

        Run c = evaluate("--model", runA.toString(), "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, c.code(), c.err());
        assertTrue(c.err().contains("Config file not found: " + dir.resolve("nope.yaml")), c.err());
    }

    @Test
    void aConfigWhoseDataDoesNotFitTheModelIsBadInputNamingBoth() throws Exception {
        // The MNIST model against the housing data: widths.
        Path housing = Path.of("conf", "housing-mlp.yaml");
        Run w = evaluate("--model", runA.toString(), "--config", housing.toString());
        assertEquals(2, w.code(), w.err());
        assertTrue(w.err().contains("Model " + runA.resolve("model.zip") + " does not fit the data of config " + housing
                + ": the model's input \"input\" expects shape (None, 28, 28), the config's data (data.source "
                + "california_housing) has shape (None, 8)"), w.err());

        // Input names: a two-input mapping for a one-input model.
        Path twoInputs = Path.of("conf", "housing-wide-deep-two-inputs.yaml");
        Run n = evaluate("--model", runA.toString(), "--config", twoInputs.toString());
        assertEquals(2, n.code(), n.err());
        assertTrue(n.err().contains("does not fit the data of config " + twoInputs + ": data.inputs: Unknown input "
                + "name(s) [deep_input, wide_input]; the model's inputs are [input]"), n.err());
        assertTrue(n.out().isBlank(), n.out());
    }

    @Test
    void sparkSettingsNeedAMaster() {
        Run r = evaluate("--model", runA.toString(), "--config", config.toString(), "--conf", "spark.ui.enabled=false");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("needs --master"), r.err());
        Run k = evaluate("--model", runA.toString(), "--config", config.toString(), "--master", "local[2]", "--conf",
                "foo=bar");
        assertEquals(2, k.code(), k.err());
        assertTrue(k.err().contains("--conf foo=...: only Spark settings"), k.err());
    }

    @Test
    void helpListsTheOptions() {
        Run r = evaluate("--help");
        assertEquals(0, r.code());
        for (String option : List.of("--model", "--config", "--output", "--master", "--conf", "--batch-size")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
    }

    /**
     * A subclassed model's run directory holds only its weights: evaluate rebuilds the model from the
     * run's config.yaml, compiles it from the given config (two outputs, loss weights) and gives the
     * train job's figures per output; describe shows it with the run's compile settings.
     */
    @Test
    void aSubclassedModelsWeightsAreEvaluatedPerOutput() throws Exception {
        Path cfg = dir.resolve("subclass.yaml");
        Files.writeString(cfg, Files.readString(Path.of("conf", "housing-wide-deep-subclass.yaml"))
                .replace("epochs: 30", "epochs: 1"));
        Path run = dir.resolve("run-subclass");
        Run t = train(cfg, "--output", run.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.exists(run.resolve("model.weights.safetensors")) && !Files.exists(run.resolve("model.zip")));

        // The layers of a model built now are numbered after those of the trained one: their names differ.
        Model fresh = new WideAndDeepModel(30, "relu");
        fresh.build(List.of(new long[] {5}, new long[] {6}));
        TreeSet<String> saved = new TreeSet<>(SafeTensors.read(Files.readAllBytes(run.resolve("model.weights.safetensors")),
                "weights").tensors().keySet());
        assertNotEquals(saved, new TreeSet<>(fresh.weights().stream().map(Variable::name).toList()));

        Run r = evaluate("--model", run.toString(), "--config", cfg.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Double> v = r.values();
        assertEquals(List.of("loss", "main_output_loss", "aux_output_loss"), List.copyOf(v.keySet()), r.out());
        assertSameTestMetrics(run.resolve("metrics.json"), v, 1e-6);
        assertEquals(0.9 * v.get("main_output_loss") + 0.1 * v.get("aux_output_loss"), v.get("loss"), 1e-5);
        assertTrue(r.err().contains("compiled from the training section of " + cfg), r.err());

        Run spark = evaluate("--model", run.toString(), "--config", cfg.toString(), "--master", "local[2]");
        assertEquals(2, spark.code(), spark.err());
        assertTrue(spark.err().contains("is a subclassed model"), spark.err());

        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code = DescribeJob.run(new String[] {"--model", run.toString(), "--json"},
                new PrintStream(o, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        JsonNode d = new ObjectMapper().readTree(o.toString(StandardCharsets.UTF_8));
        assertEquals(fresh.countParams(), d.get("total_params").asLong());
        assertEquals(run.resolve("model.weights.safetensors").toString(), d.get("model").asText());
        assertEquals(0.9, d.get("compile").get("loss_weights").get("main_output").asDouble(), 0.0);
        assertTrue(d.get("compile_source").asText().contains(run.resolve("config.yaml").toString()), d.toString());
        assertEquals(json(run.resolve("metrics.json")).get("test_loss").asDouble(),
                d.get("run_metrics").get("test_loss").asDouble(), 0.0);
    }
}
