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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainJobTest {
    @TempDir
    Path dir;

    private static final String SMALL = String.join("\n",
            "# a small MNIST run for tests",
            "description: test",
            "model:",
            "  type: sequential",
            "  input_shape: [28, 28]",
            "  layers:",
            "    - {class_name: Flatten}",
            "    - {class_name: Dense, units: 64, activation: relu}",
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
            "  epochs: 2",
            "  batch_size: 32",
            "  seed: 1",
            "  verbose: 2",
            "");

    private record Run(int code, String out, String err) {}

    private Run run(String config, Path output) throws Exception {
        Path cfg = dir.resolve("job.yaml");
        Files.writeString(cfg, config);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = TrainJob.run(new String[] {"--config", cfg.toString(), "--output", output.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writesTheRunDirectory() throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Run r = run(SMALL, out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Epoch 2/2"), r.out());
        JsonNode history = new ObjectMapper().readTree(out.resolve("history.json").toFile());
        for (String key : List.of("loss", "accuracy", "val_loss", "val_accuracy")) {
            assertEquals(2, history.get(key).size(), key);
        }
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertTrue(metrics.get("test_accuracy").asDouble() > 0.85, metrics.toString());
        assertTrue(metrics.get("test_loss").asDouble() > 0, metrics.toString());
        assertEquals(1000, metrics.get("test_samples").asInt());
        String summary = Files.readString(out.resolve("summary.txt"));
        assertTrue(summary.contains("Total params: 50,890"), summary);
        assertTrue(ImageIO.read(out.resolve("learning_curves.png").toFile()).getWidth() > 100);
        assertTrue(Files.readString(out.resolve("config.yaml")).contains("learning_rate"));
        org.sparkeras.models.Model saved = org.sparkeras.models.Model.load(out.resolve("model.zip").toString());
        org.sparkeras.data.Mnist mnist = org.sparkeras.data.Mnist.load(Path.of("data/mnist"), 1, 1000);
        org.nd4j.linalg.api.ndarray.INDArray p = saved.predict(mnist.testImages(), 256);
        long correct = 0;
        for (int i = 0; i < 1000; i++) {
            correct += p.getRow(i).argMax().getInt(0) == mnist.testLabels().getInt(i) ? 1 : 0;
        }
        assertEquals(metrics.get("test_accuracy").asDouble(), correct / 1000.0, 1e-9);
        try (var files = Files.list(out.resolve("tensorboard").resolve("train"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents.")));
        }
    }

    @Test
    void unknownKeysAreRejectedBeforeAnythingRuns() throws Exception {
        Path out = dir.resolve("never");
        Run r = run(SMALL.replace("  epochs: 2", "  epoch: 2"), out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown config key \"epoch\" at training"), r.err());
        assertTrue(!Files.exists(out), "nothing may be written for a bad config");
    }

    @Test
    void badLayerArgumentsAndNamesGiveExitCode2() throws Exception {
        Run r = run(SMALL.replace("units: 64", "unitz: 64"), dir.resolve("a"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("model.layers[1]: Unknown argument \"unitz\" for Dense"), r.err());
        Run o = run(SMALL.replace("name: adam", "name: adma"), dir.resolve("b"));
        assertEquals(2, o.code());
        assertTrue(o.err().contains("Unknown optimizer: \"adma\""), o.err());
        Run k = run(SMALL.replace("learning_rate: 0.001", "learning_rat: 0.001"), dir.resolve("c"));
        assertEquals(2, k.code());
        assertTrue(k.err().contains("learning_rat"), k.err());
    }

    @Test
    void helpListsTheOptions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = TrainJob.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("--config") && s.contains("--output"), s);
    }
}
