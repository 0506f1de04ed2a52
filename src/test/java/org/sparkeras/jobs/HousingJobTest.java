package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped housing configs, run for 2 epochs: they train and write the promised figures. */
class HousingJobTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err, JsonNode metrics, JsonNode history) {}

    private Run run(String shippedConfig, String... replacements) throws Exception {
        String cfg = Files.readString(Path.of("conf", shippedConfig)).replace("epochs: 30", "epochs: 2");
        for (int i = 0; i < replacements.length; i += 2) {
            cfg = cfg.replace(replacements[i], replacements[i + 1]);
        }
        Path file = dir.resolve(shippedConfig);
        Files.writeString(file, cfg);
        Path out = dir.resolve("run-" + shippedConfig);
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = TrainJob.run(new String[] {"--config", file.toString(), "--output", out.toString()},
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        ObjectMapper json = new ObjectMapper();
        boolean ok = Files.exists(out.resolve("metrics.json"));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8),
                ok ? json.readTree(out.resolve("metrics.json").toFile()) : null,
                ok ? json.readTree(out.resolve("history.json").toFile()) : null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"housing-mlp.yaml", "housing-wide-deep.yaml", "housing-wide-deep-two-inputs.yaml"})
    void singleOutputConfigsTrainAndReportTestMse(String config) throws Exception {
        Run r = run(config);
        assertEquals(0, r.code(), r.err());
        double mse = r.metrics().get("test_mse").asDouble();
        assertTrue(mse > 0.2 && mse < 0.8, "test_mse " + mse);
        assertEquals(r.metrics().get("test_loss").asDouble(), mse, 1e-4);
        assertEquals(5160, r.metrics().get("test_samples").asInt());
        assertEquals(2, r.history().get("val_loss").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"housing-wide-deep-aux.yaml", "housing-wide-deep-subclass.yaml"})
    void twoOutputConfigsReportTheWeightedLossAndEachOutput(String config) throws Exception {
        Run r = run(config);
        assertEquals(0, r.code(), r.err());
        JsonNode m = r.metrics();
        double main = m.get("test_main_output_loss").asDouble(), aux = m.get("test_aux_output_loss").asDouble();
        assertEquals(0.9 * main + 0.1 * aux, m.get("test_loss").asDouble(), 1e-4);
        assertEquals(main, m.get("test_mse").asDouble(), 1e-4);
        String model = config.contains("subclass") ? "model.weights.safetensors" : "model.zip";
        assertTrue(Files.exists(dir.resolve("run-" + config).resolve(model)), model);
        for (String key : List.of("loss", "main_output_loss", "aux_output_loss", "val_loss", "val_main_output_loss")) {
            assertEquals(2, r.history().get(key).size(), key);
        }
    }

    @Test
    void unknownInputNamesInTheDataMappingAreRejected() throws Exception {
        Run r = run("housing-wide-deep-two-inputs.yaml", "wide_input: [0, 5]", "wide_inputz: [0, 5]");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown input name(s) [wide_inputz]; the model's inputs are [wide_input, deep_input]"),
                r.err());
        Run s = run("housing-wide-deep-subclass.yaml", "WideAndDeepModel", "WideDeep");
        assertEquals(2, s.code());
        assertTrue(s.err().contains("registered subclassed models: [WideAndDeepModel]"), s.err());
    }
}
