package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkeras.callbacks.BackupAndRestore;
import org.sparkeras.callbacks.CSVLogger;
import org.sparkeras.callbacks.Callback;
import org.sparkeras.callbacks.EarlyStopping;
import org.sparkeras.callbacks.History;
import org.sparkeras.callbacks.ModelCheckpoint;
import org.sparkeras.models.Model;
import org.sparkeras.training.Fit;

/** The driver-side experience of a distributed fit: callbacks, progress output, resuming. */
class SparkCallbacksTest {
    @TempDir
    Path dir;

    static SparkTrainer trainer(SparkSession spark) {
        return new SparkTrainer(spark).averagingFrequency(4).dataOptions(SparkDataset.Options.defaults().numPartitions(2));
    }

    @Test
    void checkpointEarlyStoppingCsvAndProgressRunOnTheDriver() throws IOException {
        SparkTrainerTest.data();
        SparkSession spark = SparkTestSessions.local(2, 2);
        Model m = SparkTrainerTest.model("adam");
        m.setTrainer(trainer(spark));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path best = dir.resolve("best.zip");
        EarlyStopping early = new EarlyStopping().monitor("val_loss").patience(1).restoreBestWeights(true).minDelta(10);
        float[][] afterFirstEpoch = new float[1][];
        Callback snapshot = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                if (epoch == 0) {
                    afterFirstEpoch[0] = SparkTrainerTest.params(m);
                }
            }
        };
        History h = m.fit(SparkTrainerTest.x, SparkTrainerTest.y, Fit.epochs(10).batchSize(16).seed(4).verbose(1)
                .validationSplit(0.2).output(new PrintStream(out, true))
                .callbacks(new ModelCheckpoint(best.toString()).monitor("val_loss").saveBestOnly(true), early,
                        new CSVLogger(dir.resolve("log.csv")), snapshot));
        assertEquals(2, h.get("loss").size(), "EarlyStopping (min_delta 10) stopped after patience 1");
        assertTrue(Files.size(best) > 0);
        List<String> csv = Files.readAllLines(dir.resolve("log.csv"));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(csv.get(0).contains("val_accuracy"), csv.get(0));
        String progress = out.toString();
        assertTrue(progress.contains("Epoch 1/10") && progress.contains("val_loss"), progress);
        // The best weights by EarlyStopping's rule (epoch 1) are back in the model.
        assertArrayEquals(afterFirstEpoch[0], SparkTrainerTest.params(m));
        assertTrue(Model.load(best.toString()).parameters().length() == m.parameters().length());
    }

    @Test
    void aCrashedFitResumesFromItsBackupAndEndsLikeAnUninterruptedOne() throws IOException {
        SparkTrainerTest.data();
        SparkSession spark = SparkTestSessions.local(2, 2);
        Model reference = SparkTrainerTest.model("adam");
        Model first = SparkTrainerTest.copy(reference);
        Model second = SparkTrainerTest.copy(reference);
        reference.setTrainer(trainer(spark));
        reference.fit(SparkTrainerTest.x, SparkTrainerTest.y, Fit.epochs(3).batchSize(16).seed(6).verbose(0));

        String backup = dir.resolve("backup").toString();
        Callback crash = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                if (epoch == 1) {
                    throw new IllegalStateException("simulated driver crash");
                }
            }
        };
        first.setTrainer(trainer(spark));
        // The backup callback runs before the crash in epoch 2's end: the backup holds 2 epochs.
        assertThrows(IllegalStateException.class, () -> first.fit(SparkTrainerTest.x, SparkTrainerTest.y,
                Fit.epochs(3).batchSize(16).seed(6).verbose(0).callbacks(new BackupAndRestore(backup), crash)));
        second.setTrainer(trainer(spark));
        History h = second.fit(SparkTrainerTest.x, SparkTrainerTest.y,
                Fit.epochs(3).batchSize(16).seed(6).verbose(0).callbacks(new BackupAndRestore(backup)));
        assertEquals(List.of(2), h.epochs(), "resumed at the third epoch");
        assertArrayEquals(SparkTrainerTest.params(reference), SparkTrainerTest.params(second));
    }
}
