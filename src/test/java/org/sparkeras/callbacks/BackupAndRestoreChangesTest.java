package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.Adam;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/** RELIABILITY.md case 18: resuming with a changed architecture or optimizer is refused unless allowed. */
class BackupAndRestoreChangesTest {
    private static final INDArray X;
    private static final INDArray Y;

    static {
        Random r = new Random(5);
        float[][] x = new float[40][3];
        float[][] y = new float[40][1];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = (float) r.nextGaussian();
            }
            y[i][0] = 0.7f * x[i][0] - 1.3f * x[i][1] * x[i][2] + 0.2f;
        }
        X = Nd4j.createFromArray(x);
        Y = Nd4j.createFromArray(y);
    }

    @TempDir
    Path tmp;

    private static Sequential model(int width, Optimizer optimizer) {
        Seeds.setRandomSeed(11);
        Sequential m = new Sequential(new Dense(width, "relu").inputShape(3), new Dense(1));
        m.compile(Compile.optimizer(optimizer).loss("mse"));
        return m;
    }

    private static Fit fit(Callback... callbacks) {
        return Fit.epochs(4).batchSize(5).seed(7).verbose(0).callbacks(callbacks);
    }

    /** Throws when batch 3 of epoch 2 begins. */
    private static final class Crash extends Callback {
        private int epoch;

        @Override
        public void onEpochBegin(int epoch, Map<String, Double> logs) {
            this.epoch = epoch;
        }

        @Override
        public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
            if (epoch == 2 && batch == 3) {
                throw new IllegalStateException("simulated crash");
            }
        }
    }

    private static final class Trained extends Callback {
        final List<int[]> batches = new ArrayList<>();
        private int epoch;

        @Override
        public void onEpochBegin(int epoch, Map<String, Double> logs) {
            this.epoch = epoch;
        }

        @Override
        public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
            batches.add(new int[] {epoch, batch});
        }
    }

    /** A crashed run of width 8 with Adam(0.01), backed up each epoch: the last backup is after epoch 1. */
    private String crashedRun() {
        String dir = tmp.resolve("backup").toString();
        Sequential m = model(8, new Adam(0.01));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.fit(X, Y, fit(new BackupAndRestore(dir), new Crash())));
        assertEquals("simulated crash", e.getMessage());
        return dir;
    }

    private String latestInfoFile() throws Exception {
        long n = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(tmp.resolve("backup/latest.json").toFile()).get("latest").asLong();
        return "ckpt-" + n + ".json";
    }

    @Test
    void aDifferentLayerWidthIsRefusedListingTheShapes() throws Exception {
        String dir = crashedRun();
        String info = latestInfoFile();
        Sequential wider = model(6, new Adam(0.01));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> wider.fit(X, Y, fit(new BackupAndRestore(dir))));
        String m = e.getMessage();
        assertTrue(m.contains(info), m);
        assertTrue(m.contains("weight 0 (kernel): shape (3, 8) in the checkpoint, (3, 6) now"), m);
        assertTrue(m.contains("weight 1 (bias): shape (8,) in the checkpoint, (6,) now"), m);
        assertTrue(m.contains("weight 2 (kernel): shape (8, 1) in the checkpoint, (6, 1) now"), m);
        assertFalse(m.contains("optimizer:") || m.contains("optimizer learning_rate"), m);
        assertTrue(m.contains("allowChanges(true)"), m);
        assertTrue(Files.exists(tmp.resolve("backup").resolve(info)), "a refused resume keeps the backups");
    }

    @Test
    void aDifferentOptimizerIsRefusedNamingBoth() throws Exception {
        String dir = crashedRun();
        Sequential sgd = model(8, new SGD(0.05));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sgd.fit(X, Y, fit(new BackupAndRestore(dir))));
        String m = e.getMessage();
        assertTrue(m.contains(latestInfoFile()), m);
        assertTrue(m.contains("optimizer: adam in the checkpoint, sgd now"), m);
        assertTrue(m.contains("optimizer learning_rate: 0.01 in the checkpoint, 0.05 now"), m);
        assertFalse(m.contains("weight"), m);
    }

    @Test
    void aChangedLearningRateIsRefused() throws Exception {
        String dir = crashedRun();
        Sequential m = model(8, new Adam(0.001));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.fit(X, Y, fit(new BackupAndRestore(dir))));
        assertTrue(e.getMessage().contains("optimizer learning_rate: 0.01 in the checkpoint, 0.001 now"), e.getMessage());
        assertFalse(e.getMessage().contains("optimizer: "), e.getMessage());
    }

    @Test
    void theSameModelRebuiltWithNewAutomaticNamesResumes() {
        Sequential reference = model(8, new Adam(0.01));
        reference.fit(X, Y, fit());
        String dir = crashedRun();

        Trained trained = new Trained();
        Sequential rebuilt = model(8, new Adam(0.01));
        rebuilt.fit(X, Y, fit(new BackupAndRestore(dir), trained));
        assertArrayEquals(new int[] {2, 0}, trained.batches.get(0));
        assertEquals(16, trained.batches.size());
        for (int i = 0; i < reference.getWeights().size(); i++) {
            assertArrayEquals(Host.toDoubles(reference.getWeights().get(i)), Host.toDoubles(rebuilt.getWeights().get(i)),
                    1e-6, "weight " + i);
        }
    }

    @Test
    void withTheOverrideAnOptimizerChangeIsAcceptedWithAWarning() {
        String dir = crashedRun();
        Trained trained = new Trained();
        Sequential sgd = model(8, new SGD(0.05));
        String log = CallbackFixture.stderrOf(
                () -> sgd.fit(X, Y, fit(new BackupAndRestore(dir).allowChanges(true), trained)));
        assertTrue(log.contains("optimizer: adam in the checkpoint, sgd now"), log);
        assertTrue(log.contains("allowChanges(true)"), log);
        assertArrayEquals(new int[] {2, 0}, trained.batches.get(0), "resumed at the backup's position");
        assertEquals(16, trained.batches.size());
    }

    @Test
    void withTheOverrideWeightsThatDoNotFitStartAfresh() {
        String dir = crashedRun();
        Trained trained = new Trained();
        Sequential wider = model(6, new Adam(0.01));
        String log = CallbackFixture.stderrOf(
                () -> wider.fit(X, Y, fit(new BackupAndRestore(dir).allowChanges(true), trained)));
        assertTrue(log.contains("shape (3, 8) in the checkpoint, (3, 6) now") && log.contains("nothing is restored"), log);
        assertArrayEquals(new int[] {0, 0}, trained.batches.get(0));
        assertEquals(32, trained.batches.size());
    }
}
