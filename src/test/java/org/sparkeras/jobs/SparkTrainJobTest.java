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
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.data.Mnist;
import org.sparkeras.models.Model;
import org.sparkeras.spark.SparkTestSessions;
import org.sparkeras.spark.SparkTrainingException;

/**
 * {@code TrainJob --master}: real runs on Spark local mode. The test JVM holds one SparkContext at
 * a time, shared with the other Spark tests through {@link SparkTestSessions}: a test that wants the
 * job to start (and stop) its own session stops the shared one first; a test that reuses it passes
 * its master, and the job leaves it running.
 */
class SparkTrainJobTest {
    @TempDir
    Path dir;

    static final String SMALL = String.join("\n",
            "description: a small MNIST run on Spark",
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
            "  spark: {averaging_frequency: 8}",
            "");

    private record Run(int code, String out, String err) {}

    private Run run(String config, Path output, String... extra) throws Exception {
        Path cfg = dir.resolve("job-" + output.getFileName() + ".yaml");
        Files.writeString(cfg, config);
        String[] args = new String[4 + extra.length];
        args[0] = "--config";
        args[1] = cfg.toString();
        args[2] = "--output";
        args[3] = output.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = TrainJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static boolean noRunningSession() {
        return SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    }

    @AfterAll
    static void stopSpark() {
        SparkTestSessions.stop();
    }

    @Test
    @Timeout(300)
    void trainsOnSparkLocalModeAndWritesTheSameRunDirectory() throws Exception {
        SparkTestSessions.stop();
        Path out = dir.resolve("run");
        Run r = run(SMALL, out, "--master", "local[2]");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Training on Spark: master local[2], 2 partitions, batch 32 per worker, parameters "
                + "averaged every 8 steps"), r.out());
        assertTrue(r.out().contains("Epoch 2/2"), r.out());
        assertTrue(noRunningSession(), "the job stops the session it started");

        JsonNode history = new ObjectMapper().readTree(out.resolve("history.json").toFile());
        for (String key : List.of("loss", "accuracy", "val_loss", "val_accuracy")) {
            assertEquals(2, history.get(key).size(), key);
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals("spark", m.get("trainer").asText());
        assertEquals("local[2]", m.get("master").asText());
        assertEquals(2, m.get("partitions").asInt());
        assertEquals(8, m.get("averaging_frequency").asInt());
        // 1,250 rows per partition: 40 batches of 32, 5 rounds of 8 steps per epoch.
        assertEquals(10, m.get("rounds").asInt());
        assertTrue(m.get("mean_round_overhead_ms").asDouble() > 0, m.toString());
        assertEquals(1000, m.get("test_samples").asInt());
        assertEquals(2500, m.get("train_samples").asInt());
        double accuracy = m.get("test_accuracy").asDouble();
        assertTrue(accuracy > 0.7, m.toString());

        assertTrue(Files.readString(out.resolve("summary.txt")).contains("Total params: 50,890"));
        assertTrue(ImageIO.read(out.resolve("learning_curves.png").toFile()).getWidth() > 100);
        assertTrue(Files.readString(out.resolve("config.yaml")).contains("averaging_frequency: 8"));
        try (var files = Files.list(out.resolve("tensorboard").resolve("train"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents.")));
        }
        // The archive loads in this JVM without Spark and scores what the cluster's evaluation said.
        Model saved = Model.load(out.resolve("model.zip").toString());
        Mnist mnist = Mnist.load(Path.of("data/mnist"), 1, 1000);
        INDArray p = saved.predict(mnist.testImages(), 256);
        long correct = 0;
        for (int i = 0; i < 1000; i++) {
            correct += p.getRow(i).argMax().getInt(0) == mnist.testLabels().getInt(i) ? 1 : 0;
        }
        assertEquals(accuracy, correct / 1000.0, 0.002);
    }

    @Test
    @Timeout(300)
    void reusesARunningSessionOnTheSameMasterAndLeavesItRunning() throws Exception {
        // The shared test session: Kryo with registrationRequired=true.
        SparkSession spark = SparkTestSessions.local(2, 2);
        String housing = Files.readString(Path.of("conf", "housing-wide-deep.yaml")).replace("epochs: 30", "epochs: 1");
        Path out = dir.resolve("housing");
        Run r = run(housing, out, "--master", "local[2,2]");
        assertEquals(0, r.code(), r.err());
        assertFalse(spark.sparkContext().isStopped(), "a session the job did not start is left running");
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals("spark", m.get("trainer").asText());
        assertEquals("local[2,2]", m.get("master").asText());
        assertEquals(org.sparkeras.spark.SparkTrainer.DEFAULT_AVERAGING_FREQUENCY, m.get("averaging_frequency").asInt());
        assertEquals(2, m.get("partitions").asInt(), "the context's default parallelism");
        double mse = m.get("test_mse").asDouble();
        assertTrue(mse > 0.2 && mse < 1.0, m.toString());
        assertEquals(5160, m.get("test_samples").asInt());
        assertTrue(Files.exists(out.resolve("model.zip")));

        // Another master cannot start beside it.
        Path other = dir.resolve("other");
        Run o = run(housing, other, "--master", "local[3]");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("A Spark session on master local[2,2] is already running in this JVM"), o.err());
        assertFalse(spark.sparkContext().isStopped());
        assertFalse(Files.exists(other), "nothing is written when Spark cannot be used");
    }

    @Test
    void badSparkKeysAndValuesAreRefusedBeforeAnythingRuns() throws Exception {
        Run k = run(SMALL.replace("averaging_frequency: 8", "averaging_frequncy: 8"), dir.resolve("a"), "--master",
                "local[2]");
        assertEquals(2, k.code(), k.err());
        assertTrue(k.err().contains("Unknown config key \"averaging_frequncy\" at training.spark"), k.err());
        assertTrue(k.err().contains("known keys there: aggregation_depth, average_optimizer_state, averaging_frequency, batch_size, "
                + "on_non_finite, partitions, storage_level, streaming"), k.err());

        Run p = run(SMALL.replace("averaging_frequency: 8", "on_non_finite: explode"), dir.resolve("b"));
        assertEquals(2, p.code(), p.err());
        assertTrue(p.err().contains("training.spark.on_non_finite") && p.err().contains("known values: stop, fail, drop"),
                p.err());

        Run z = run(SMALL.replace("averaging_frequency: 8", "partitions: 0"), dir.resolve("c"));
        assertEquals(2, z.code(), z.err());
        assertTrue(z.err().contains("training.spark.partitions") && z.err().contains(">= 1"), z.err());

        SparkTestSessions.stop();
        Run s = run(SMALL.replace("averaging_frequency: 8", "storage_level: MEMORY_SOMETIMES"), dir.resolve("d"),
                "--master", "local[2]");
        assertEquals(2, s.code(), s.err());
        assertTrue(s.err().contains("training.spark.storage_level: \"MEMORY_SOMETIMES\"; known storage levels: ")
                && s.err().contains("MEMORY_AND_DISK, MEMORY_AND_DISK_2"), s.err());
        assertTrue(noRunningSession(), "no session is started for a bad config");

        for (String d : List.of("a", "b", "c", "d")) {
            assertFalse(Files.exists(dir.resolve(d)), "nothing may be written for a bad config: " + d);
        }
    }

    @Test
    void subclassedModelsAreRefusedOnSparkBeforeAnythingRuns() throws Exception {
        SparkTestSessions.stop();
        Path out = dir.resolve("subclass");
        Run r = run(Files.readString(Path.of("conf", "housing-wide-deep-subclass.yaml")), out, "--master", "local[2]");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is a subclassed model: training on Spark ships the model to executors as an archive"),
                r.err());
        assertFalse(Files.exists(out));
        assertTrue(noRunningSession());
    }

    @Test
    void theShippedConfigsCommentedSparkSectionIsValid() throws Exception {
        try (var files = Files.list(Path.of("conf"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                String text = Files.readString(f);
                // Either a commented section ("  # spark:") or an active one whose other keys are
                // commented ("  spark:" then "    # key: default"): uncomment everything.
                int at = text.indexOf("  # spark:\n");
                if (at < 0) {
                    at = text.indexOf("  spark:\n");
                }
                assertTrue(at > 0, f + " has a training.spark section");
                StringBuilder cfg = new StringBuilder(text.substring(0, at));
                for (String line : text.substring(at).split("\n")) {
                    cfg.append(line.replaceFirst("^  # ", "  ").replaceFirst("^    # ", "    ")).append('\n');
                }
                Path uncommented = dir.resolve(f.getFileName());
                Files.writeString(uncommented, cfg.toString());
                JobConfig.SparkSpec s = ConfigReader.read(uncommented).training().spark();
                assertEquals(org.sparkeras.spark.SparkTrainer.DEFAULT_AVERAGING_FREQUENCY, s.averagingFrequency(),
                        f.toString());
                assertTrue(s.batchSize() != null && s.batchSize() >= 1, f.toString());
                assertEquals(4, s.partitions(), f.toString());
                assertEquals(true, s.averageOptimizerState(), f.toString());
                assertEquals(1, s.aggregationDepth(), f.toString());
                assertEquals(false, s.streaming(), f.toString());
                assertEquals("stop", s.onNonFinite(), f.toString());
                assertEquals(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK(), SparkJob.storageLevel(s));
            }
        }
    }

    @Test
    @Timeout(300)
    void aWorkerDivergingUnderOnNonFiniteFailEndsWithExitCode4AndNoModel() throws Exception {
        SparkTestSessions.stop();
        Path out = dir.resolve("diverged");
        Run r = run(SMALL.replace("{name: adam, learning_rate: 0.001}", "{name: sgd, learning_rate: 1.0e+12}")
                .replace("averaging_frequency: 8", "averaging_frequency: 8, on_non_finite: fail"), out, "--master",
                "local[2]");
        assertEquals(4, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("Training diverged on Spark: Non-finite worker result"), r.err());
        assertFalse(Files.exists(out.resolve("model.zip")), "no model is published");
        assertFalse(Files.exists(out.resolve("metrics.json")));
        assertTrue(noRunningSession());
    }

    @Test
    void sparkFailuresMapToTheJobsExitCodes() {
        JobFailedException job = (JobFailedException) SparkJob.failure(
                new SparkTrainingException("Spark job failed while training epoch 1, round 3: Job aborted\nstack",
                        new RuntimeException("lost executor")), "training");
        assertEquals(JobRunner.INFRASTRUCTURE, job.exitCode());
        assertEquals("Spark failed while training: Spark job failed while training epoch 1, round 3: Job aborted",
                job.getMessage());
        JobFailedException stopped = (JobFailedException) SparkJob.failure(
                new IllegalStateException("Cannot call methods on a stopped SparkContext."), "evaluating the test set");
        assertEquals(JobRunner.INFRASTRUCTURE, stopped.exitCode());
        JobFailedException nan = (JobFailedException) SparkJob.failure(
                new SparkTrainingException("Non-finite worker result, not averaged: partition 1"), "training");
        assertEquals(JobRunner.DIVERGED, nan.exitCode());
        IllegalArgumentException bad = new IllegalArgumentException("Partition 0, output \"dense\": label 12");
        assertEquals(bad, SparkJob.failure(bad, "training"), "bad input stays bad input (exit 2)");
    }

    @Test
    void helpListsMaster() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, TrainJob.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--master=<url>"), out.toString(StandardCharsets.UTF_8));
    }
}
