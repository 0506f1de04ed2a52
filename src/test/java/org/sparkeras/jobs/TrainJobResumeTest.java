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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.callbacks.BackupAndRestore;
import org.sparkeras.models.Model;
import org.sparkeras.training.Fit;

/**
 * The train job's backups of an unfinished run (RELIABILITY.md 14, 15, 18): the same command run
 * again resumes from {@code <output>/backup}, keeps the history of the epochs before the resumed one
 * and counts none twice; a backup written for another model is refused with the differences (exit 2)
 * unless {@code --allow-changes}; a corrupted backup is named. The backups here are written by a fit
 * of the model the config builds, standing for a run killed after its first epoch (the real kill of
 * a driver is in {@link StandaloneClusterIT}).
 */
class TrainJobResumeTest {
    @TempDir
    Path dir;

    private static final String CONFIG = String.join("\n",
            "description: a small MNIST run for the resume tests",
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
            "  validation_samples: 200",
            "  train_limit: 1000",
            "  test_limit: 500",
            "training:",
            "  optimizer: {name: adam, learning_rate: 0.001}",
            "  loss: sparse_categorical_crossentropy",
            "  metrics: [accuracy]",
            "  epochs: 3",
            "  batch_size: 32",
            "  seed: 1",
            "  verbose: 0",
            "");

    private record Run(int code, String out, String err) {}

    private Run run(String config, Path output, String... extra) throws Exception {
        Path cfg = dir.resolve("job.yaml");
        Files.writeString(cfg, config);
        String[] args = new String[4 + extra.length];
        System.arraycopy(new String[] {"--config", cfg.toString(), "--output", output.toString()}, 0, args, 0, 4);
        System.arraycopy(extra, 0, args, 4, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = TrainJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Leaves in {@code <output>/backup} the backup after {@code epochs} epochs of the model {@code config} builds. */
    private void leaveBackup(String config, Path output, int epochs) throws Exception {
        Path cfg = dir.resolve("backup-job.yaml");
        Files.writeString(cfg, config);
        JobConfig c = ConfigReader.read(cfg);
        Model model = ModelFactory.build(c.model());
        model.compile(TrainJob.compileOf(c.training()));
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 28, 28);
        INDArray y = Nd4j.createFromArray(new float[64]).reshape(64, 1);
        Files.createDirectories(output);
        model.fit(x, y, Fit.epochs(epochs).batchSize(32).verbose(0)
                .callbacks(new BackupAndRestore(output.resolve(TrainJob.BACKUP_DIR).toString(), "epoch", false)));
    }

    @Test
    void resumesAtTheBackedUpEpochAndKeepsTheEarlierHistoryOnce() throws Exception {
        Path out = dir.resolve("run");
        leaveBackup(CONFIG, out, 1);
        // The killed run had also logged its second epoch, which was not backed up: it is trained again.
        Files.writeString(out.resolve("history.json"), "{\"accuracy\": [0.125, 0.25], \"loss\": [9.5, 8.5], "
                + "\"val_accuracy\": [0.375, 0.5], \"val_loss\": [7.5, 6.5]}");

        Run r = run(CONFIG, out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Resumed from the backup at epoch 2 of 3"), r.out());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(2, metrics.get("resumed_from_epoch").asInt());
        assertEquals(3, metrics.get("epochs").asInt());
        JsonNode history = new ObjectMapper().readTree(out.resolve("history.json").toFile());
        assertEquals(3, history.get("loss").size(), history.toString());
        assertEquals(9.5, history.get("loss").get(0).asDouble());
        assertTrue(history.get("loss").get(1).asDouble() < 8.5, history.toString());
        assertEquals(3, history.get("val_loss").size(), history.toString());
        assertEquals(7.5, history.get("val_loss").get(0).asDouble());
        List<String> csv = Files.readAllLines(out.resolve("history.csv"));
        assertEquals("epoch,accuracy,loss,val_accuracy,val_loss", csv.get(0));
        assertEquals(4, csv.size(), csv.toString());
        assertEquals("0,0.125,9.5,0.375,7.5", csv.get(1));
        assertFalse(Files.exists(out.resolve(TrainJob.BACKUP_DIR + "/latest.json")), "the finished run's backup is deleted");

        // Run again: no backup is left, so it trains from the beginning (without --publish nothing says it is done).
        Run again = run(CONFIG, out);
        assertEquals(0, again.code(), again.err());
        assertFalse(again.out().contains("Resumed"), again.out());
        assertFalse(new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).has("resumed_from_epoch"));
    }

    @Test
    void aBackupOfAnotherModelIsRefusedWithTheDifferencesUnlessAllowed() throws Exception {
        Path out = dir.resolve("changed");
        leaveBackup(CONFIG.replace("units: 32", "units: 16"), out, 1);

        Run r = run(CONFIG, out);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("cannot resume the unfinished run in " + out), r.err());
        assertTrue(r.err().contains("shape (784, 16) in the checkpoint, (784, 32) now"), "the differences: " + r.err());
        assertTrue(r.err().contains("--allow-changes"), r.err());
        assertFalse(Files.exists(out.resolve("model.zip")));

        Run allowed = run(CONFIG, out, "--allow-changes");
        assertEquals(0, allowed.code(), allowed.err());
        assertFalse(allowed.out().contains("Resumed"), "other weights: trained from the beginning\n" + allowed.out());
        assertEquals(3, new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("epochs").asInt());
    }

    @Test
    void aCorruptedBackupIsNamedWithTheReason() throws Exception {
        Path out = dir.resolve("corrupt");
        leaveBackup(CONFIG, out, 1);
        Path ckpt;
        try (var files = Files.list(out.resolve(TrainJob.BACKUP_DIR))) {
            ckpt = files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(ckpt);
        Files.write(ckpt, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Run r = run(CONFIG, out);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(ckpt.getFileName().toString()) && r.err().contains("checksum mismatch"), r.err());
        assertTrue(r.err().contains("delete " + out.resolve(TrainJob.BACKUP_DIR)), r.err());
    }
}
