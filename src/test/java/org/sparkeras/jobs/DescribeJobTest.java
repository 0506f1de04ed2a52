package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkeras.layers.Layer;
import org.sparkeras.models.Model;

/** {@code jobs/describe.sh}: a run directory, a registry and job configs described as text and JSON. */
class DescribeJobTest {
    @TempDir
    static Path dir;

    static Path config, run, registry;

    private record Run(int code, String out, String err) {}

    private static Run describe(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = DescribeJob.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode describeJson(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--json");
        Run r = describe(a.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @BeforeAll
    static void trainAndPublish() throws Exception {
        config = dir.resolve("mnist.yaml");
        Files.writeString(config, EvaluateJobTest.SMALL);
        run = dir.resolve("run");
        registry = dir.resolve("registry");
        EvaluateJobTest.Run t = EvaluateJobTest.train(config, "--output", run.toString(), "--publish",
                registry.toString(), "--run-id", "2026-11-26");
        assertEquals(0, t.code(), t.err());
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    @Test
    void aRunDirectoryShowsSummaryShapesCompileSettingsAndMetrics() throws Exception {
        Model saved = Model.load(run.resolve("model.zip").toString());
        Run r = describe("--model", run.toString());
        assertEquals(0, r.code(), r.err());
        String s = r.out();
        assertTrue(s.contains("Total params: " + count(saved.countParams()) + " "), s);
        for (Layer l : saved.layers()) {
            assertTrue(s.contains(l.name() + " (" + l.className() + ")"), l.name() + " in\n" + s);
        }
        assertTrue(s.contains("Inputs:\n  input: (None, 28, 28)\n"), s);
        assertTrue(s.contains("Outputs:\n  " + saved.outputNames().get(0) + ": (None, 10)\n"), s);
        assertTrue(s.contains("Compile (from the model archive):\n  optimizer: adam {"), s);
        assertTrue(s.contains("  loss: " + saved.outputNames().get(0) + ": sparse_categorical_crossentropy"), s);
        assertTrue(s.contains("  metrics: " + saved.outputNames().get(0) + ": [accuracy]"), s);
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertTrue(s.contains("  test_accuracy=" + metrics.get("test_accuracy").asDouble() + "\n"), s);
        assertTrue(s.contains("  epochs=1\n"), s);
        assertFalse(s.contains("train_samples_per_s"), "headline figures only:\n" + s);
        assertFalse(s.contains("Registry:"), "a plain run directory belongs to no registry:\n" + s);
    }

    @Test
    void aRegistryAsJsonNamesItsLatestRunAndParses() throws Exception {
        Model saved = Model.load(registry.resolve("2026-11-26/model.zip").toString());
        JsonNode d = describeJson("--model", registry.toString());
        assertEquals("registry", d.get("source").asText());
        assertEquals("2026-11-26", d.get("latest").asText());
        assertEquals("2026-11-26", d.get("run_id").asText());
        assertEquals(registry.resolve("2026-11-26/model.zip").toString(), d.get("model").asText());
        assertEquals(saved.countParams(), d.get("total_params").asLong());
        assertEquals(saved.countParams(), d.get("trainable_params").asLong());
        assertEquals(0, d.get("non_trainable_params").asLong());
        long sum = 0;
        for (JsonNode l : d.get("layers")) {
            sum += l.get("params").asLong();
        }
        assertEquals(saved.countParams(), sum);
        assertEquals(saved.layers().size(), d.get("layers").size());
        assertEquals("[null,28,28]", d.get("inputs").get(0).get("shape").toString());
        assertEquals("[null,10]", d.get("outputs").get(0).get("shape").toString());
        assertEquals("adam", d.get("compile").get("optimizer").get("class_name").asText());
        JsonNode metrics = new ObjectMapper().readTree(registry.resolve("2026-11-26/metrics.json").toFile());
        assertEquals(metrics.get("test_loss").asDouble(), d.get("run_metrics").get("test_loss").asDouble(), 0.0);
        assertTrue(d.get("summary").asText().contains("Total params: " + count(saved.countParams())));

        // The published run directory itself: it names its registry and what latest names.
        Run r = describe("--model", registry.resolve("2026-11-26").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Registry: " + registry + "; latest names run 2026-11-26; this is run 2026-11-26"),
                r.out());
    }

    @Test
    void aConfigIsBuiltWithoutTrainingAndDescribed() throws Exception {
        // Functional, two inputs and two outputs with loss weights.
        Path aux = Path.of("conf", "housing-wide-deep-aux.yaml");
        Model built = ModelFactory.build(ConfigReader.read(aux).model());
        JsonNode d = describeJson("--config", aux.toString());
        assertEquals("config", d.get("source").asText());
        assertEquals(built.countParams(), d.get("total_params").asLong());
        assertEquals("wide_input", d.get("inputs").get(0).get("name").asText());
        assertEquals("[null,6]", d.get("inputs").get(1).get("shape").toString());
        assertEquals("aux_output", d.get("outputs").get(1).get("name").asText());
        assertEquals(0.1, d.get("compile").get("loss_weights").get("aux_output").asDouble(), 0.0);
        assertEquals("mean_squared_error", d.get("compile").get("loss").get("main_output").get("class_name").asText());
        assertFalse(d.has("run_metrics"));

        Run text = describe("--config", aux.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("Total params: " + count(built.countParams()) + " "), text.out());
        assertTrue(text.out().contains("  loss_weights: main_output: 0.9, aux_output: 0.1"), text.out());

        // Subclassed: built for the input widths of its data mapping (5 and 6 features).
        Path sub = Path.of("conf", "housing-wide-deep-subclass.yaml");
        Model expected = new WideAndDeepModel(30, "relu");
        expected.build(List.of(new long[] {5}, new long[] {6}));
        JsonNode s = describeJson("--config", sub.toString());
        assertEquals(expected.countParams(), s.get("total_params").asLong());
        assertEquals("[null,5]", s.get("inputs").get(0).get("shape").toString());

        // The shipped MNIST config.
        Model mnist = ModelFactory.build(ConfigReader.read(Path.of("conf", "mnist-mlp.yaml")).model());
        Run m = describe("--config", "conf/mnist-mlp.yaml");
        assertEquals(0, m.code(), m.err());
        assertTrue(m.out().contains("Total params: " + count(mnist.countParams()) + " "), m.out());
    }

    @Test
    void aConfigWhoseDataDoesNotFitItsModelIsBadInput() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of("conf", "housing-wide-deep-aux.yaml"))
                .replace("wide_input: [0, 5]", "wide_input: [0, 4]"));
        Run r = describe("--config", bad.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("The model of " + bad + " does not fit the data of the same config: the model's input "
                + "\"wide_input\" expects shape (None, 5), the config's data (data.inputs.wide_input [0, 4]) has shape "
                + "(None, 4)"), r.err());
    }

    @Test
    void badArgumentsAreExitCode2() {
        Run none = describe();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("Give either --model"), none.err());
        Run both = describe("--model", run.toString(), "--config", config.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("not both"), both.err());
        String missing = dir.resolve("missing").toString();
        Run m = describe("--model", missing);
        assertEquals(2, m.code());
        assertTrue(m.err().contains("Model not found: " + missing), m.err());
    }

    @Test
    void helpListsTheOptions() {
        Run r = describe("--help");
        assertEquals(0, r.code());
        for (String option : List.of("--model", "--config", "--json")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
    }
}
