package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.Adam;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/** RELIABILITY.md cases 14-16 through BackupAndRestore: crash, resume, corrupted backups, cleanup. */
class BackupAndRestoreTest {
    private static final int EPOCHS = 4;
    private static final int BATCH = 5; // 40 samples: 8 batches per epoch
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

    /** The same model each call: seeded initialization, Adam (stateful, so its state must be restored). */
    private static Sequential model() {
        Seeds.setRandomSeed(11);
        Sequential m = new Sequential(new Dense(8, "relu").inputShape(3), new Dense(1));
        m.compile(Compile.optimizer(new Adam(0.01)).loss("mse"));
        return m;
    }

    private static Fit fit(Callback... callbacks) {
        return Fit.epochs(EPOCHS).batchSize(BATCH).seed(7).verbose(0).callbacks(callbacks);
    }

    private static Object freq(String s) {
        return s.equals("epoch") ? "epoch" : (Object) Integer.parseInt(s);
    }

    /** Throws when batch 3 of epoch 2 begins, as a killed driver would stop there. */
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

    /** Records the (epoch, batch) of every trained batch. */
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

    private static List<double[]> weights(Sequential m) {
        return m.getWeights().stream().map(Host::toDoubles).toList();
    }

    private static void assertWeightsEqual(List<double[]> expected, List<double[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), 1e-6, "weight " + i);
        }
    }

    private static List<double[]> uninterrupted() {
        Sequential m = model();
        m.fit(X, Y, fit());
        return weights(m);
    }

    private String crashedRun(Object saveFreq) {
        String dir = tmp.resolve("backup").toString();
        Sequential m = model();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.fit(X, Y, fit(new BackupAndRestore(dir, saveFreq, true), new Crash())));
        assertEquals("simulated crash", e.getMessage());
        assertTrue(Files.exists(tmp.resolve("backup/latest.json")));
        return dir;
    }

    private JsonNode pointer() throws IOException {
        return new ObjectMapper().readTree(tmp.resolve("backup/latest.json").toFile());
    }

    private Path weightsFile(long n) {
        return tmp.resolve("backup/ckpt-" + n + ".safetensors");
    }

    private static void corrupt(Path file, String how) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (how.equals("flip")) {
            b[b.length - 3] ^= (byte) 0x5A;
            Files.write(file, b);
        } else {
            Files.write(file, Arrays.copyOf(b, b.length / 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoch", "2"})
    void aResumedRunEndsWithTheWeightsOfAnUninterruptedOne(String saveFreq) throws IOException {
        List<double[]> expected = uninterrupted();
        String dir = crashedRun(freq(saveFreq));

        Trained trained = new Trained();
        Sequential resumed = model();
        resumed.fit(X, Y, fit(new BackupAndRestore(dir, freq(saveFreq), true), trained));

        // "epoch": the last backup was taken after epoch 1, so epochs 2 and 3 are trained again.
        // 2: the last backup was after 18 batches (epoch 2, batches 0-1), so training resumes at batch 2.
        int[] first = trained.batches.get(0);
        if (saveFreq.equals("epoch")) {
            assertArrayEquals(new int[] {2, 0}, first);
            assertEquals(16, trained.batches.size());
        } else {
            assertArrayEquals(new int[] {2, 2}, first);
            assertEquals(14, trained.batches.size());
        }
        assertWeightsEqual(expected, weights(resumed));
        assertFalse(Files.exists(tmp.resolve("backup")), "the backups are deleted after a successful run");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flip", "truncate"})
    void aCorruptedLatestBackupFallsBackToThePreviousOne(String how) throws IOException {
        List<double[]> expected = uninterrupted();
        String dir = crashedRun(2);
        JsonNode p = pointer();
        long latest = p.get("latest").asLong(), previous = p.get("previous").asLong();
        assertEquals(latest - 1, previous);
        corrupt(weightsFile(latest), how);

        Trained trained = new Trained();
        Sequential resumed = model();
        String log = CallbackFixture.stderrOf(
                () -> resumed.fit(X, Y, fit(new BackupAndRestore(dir, 2, true), trained)));

        assertTrue(log.contains(weightsFile(latest).getFileName().toString()) && log.contains("checksum mismatch"), log);
        // The previous backup was after 16 batches: epoch 1 fully trained, so its 8 batches are skipped.
        assertArrayEquals(new int[] {2, 0}, trained.batches.get(0));
        assertEquals(16, trained.batches.size());
        assertWeightsEqual(expected, weights(resumed));
    }

    @Test
    void withBothBackupsUnusableTheErrorNamesTheFilesAndReasons() throws IOException {
        String dir = crashedRun(2);
        JsonNode p = pointer();
        long latest = p.get("latest").asLong(), previous = p.get("previous").asLong();
        corrupt(weightsFile(latest), "flip");
        Files.write(tmp.resolve("backup/ckpt-" + previous + ".json"), "{\"epoch\": 1, \"ba".getBytes());

        Sequential m = model();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.fit(X, Y, fit(new BackupAndRestore(dir, 2, true))));
        String msg = e.getMessage();
        assertTrue(msg.contains("ckpt-" + latest + ".safetensors: checksum mismatch"), msg);
        assertTrue(msg.contains("ckpt-" + previous + ".json: unreadable"), msg);
        assertTrue(Files.exists(weightsFile(latest)), "nothing is deleted when the restore fails");
    }

    @Test
    void aCorruptedPointerFallsBackToTheBackupsInTheDirectory() throws IOException {
        List<double[]> expected = uninterrupted();
        String dir = crashedRun("epoch");
        Files.write(tmp.resolve("backup/latest.json"), new byte[] {'{', '"'});

        Sequential resumed = model();
        String log = CallbackFixture.stderrOf(() -> resumed.fit(X, Y, fit(new BackupAndRestore(dir))));

        assertTrue(log.contains("latest.json is unreadable"), log);
        assertWeightsEqual(expected, weights(resumed));
    }

    @Test
    void twoBackupsAreKeptAndLeftoverTemporaryFilesAreCleaned() throws IOException {
        Path dir = tmp.resolve("backup");
        Files.createDirectories(dir);
        Files.write(dir.resolve(".ckpt-9.safetensors.tmp-0f2a"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("notes.txt"), new byte[] {1});

        Sequential m = model();
        m.fit(X, Y, fit(new BackupAndRestore(dir.toString(), 3, false)));

        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(f -> f.getFileName().toString()).sorted().toList();
        }
        // 32 batches, a backup every 3: backups 1..10, the last two kept.
        assertEquals(List.of("ckpt-10.json", "ckpt-10.safetensors", "ckpt-9.json", "ckpt-9.safetensors", "latest.json",
                "notes.txt"), names);
        JsonNode p = pointer();
        assertEquals(10, p.get("latest").asLong());
        assertEquals(9, p.get("previous").asLong());
    }

    @Test
    void backupsAreDeletedAfterASuccessfulRunButOtherFilesStay() throws IOException {
        Path dir = tmp.resolve("backup");
        Files.createDirectories(dir);
        Files.write(dir.resolve("notes.txt"), new byte[] {1});
        model().fit(X, Y, fit(new BackupAndRestore(dir.toString(), 2, true)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("notes.txt"), s.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BackupAndRestore(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BackupAndRestore("dir", 0, true));
        assertTrue(e.getMessage().contains("save_freq"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BackupAndRestore("dir", "batch", true));
    }
}
