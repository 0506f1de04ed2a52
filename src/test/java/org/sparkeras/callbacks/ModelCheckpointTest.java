package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Names;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Fit;

class ModelCheckpointTest {
    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        Names.reset();
    }

    private List<String> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void writesOneArchivePerEpochWithFormattedNames() throws IOException {
        Sequential m = CallbackFixture.model(new SGD(0.01));
        ModelCheckpoint cb = new ModelCheckpoint(dir.resolve("m-{epoch:02d}-{loss:.3f}.keras").toString());
        m.fit(CallbackFixture.X, CallbackFixture.Y, Fit.epochs(3).batchSize(2).shuffle(false).verbose(0).callbacks(cb));
        List<String> files = listing();
        assertEquals(3, files.size(), files.toString());
        for (int e = 1; e <= 3; e++) {
            String prefix = String.format("m-%02d-", e);
            assertTrue(files.get(e - 1).startsWith(prefix) && files.get(e - 1).matches("m-0\\d-\\d+\\.\\d{3}\\.keras"),
                    files.toString());
        }
        Model last = Model.load(dir.resolve(files.get(2)).toString());
        assertTrue(last.isCompiled());
        assertEquals(m.predict(CallbackFixture.X), last.predict(CallbackFixture.X));
    }

    @Test
    void filePathFormatsLikePython() {
        Map<String, Double> logs = CallbackFixture.logs("loss", 0.123456, "val_loss", 2.5, "acc", 1e-5, "big", -3.14159);
        assertEquals("e7", ModelCheckpoint.format("e{epoch}", 6, logs));
        assertEquals("e007_2.50", ModelCheckpoint.format("e{epoch:03d}_{val_loss:.2f}", 6, logs));
        assertEquals("0.123456-1e-05-2.5", ModelCheckpoint.format("{loss}-{acc}-{val_loss}", 0, logs));
        assertEquals("-03.14|  2.5|{x}", ModelCheckpoint.format("{big:06.2f}|{val_loss:5}|{{x}}", 0, logs));
        assertEquals("0.123456", ModelCheckpoint.format("{loss:f}", 0, logs));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ModelCheckpoint.format("{val_acc:.2f}", 0, logs));
        assertTrue(missing.getMessage().contains("val_acc") && missing.getMessage().contains("Failed to format"),
                missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.format("{loss:d}", 0, logs));
        assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("m-{epoch:>5}.keras"));
        assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("m-{epoch.keras"));
        assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("m.keras").saveFreq("batch"));
        assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("m.keras").mode("best"));
    }

    @Test
    void saveBestOnlyWritesOnlyOnImprovement() throws IOException {
        Seeds.setRandomSeed(3);
        Sequential m = new Sequential(new Dense(1).inputShape(2));
        ModelCheckpoint cb = new ModelCheckpoint(dir.resolve("best-{epoch}.keras").toString()).saveBestOnly(true);
        cb.setModel(m);
        cb.onEpochEnd(0, CallbackFixture.logs("loss", 1.0, "val_loss", 0.9));
        cb.onEpochEnd(1, CallbackFixture.logs("loss", 0.8, "val_loss", 1.1));
        cb.onEpochEnd(2, CallbackFixture.logs("loss", 0.7, "val_loss", 0.5));
        cb.onEpochEnd(3, CallbackFixture.logs("loss", 0.6, "val_loss", 0.5));
        assertEquals(List.of("best-1.keras", "best-3.keras"), listing());
        assertEquals(0.5, cb.best(), 0);

        ModelCheckpoint acc = new ModelCheckpoint(dir.resolve("acc-{epoch}.keras").toString()).monitor("val_accuracy")
                .saveBestOnly(true).initialValueThreshold(0.6);
        acc.setModel(m);
        acc.onEpochEnd(0, CallbackFixture.logs("loss", 1.0, "val_accuracy", 0.5));
        acc.onEpochEnd(1, CallbackFixture.logs("loss", 1.0, "val_accuracy", 0.7));
        acc.onEpochEnd(2, CallbackFixture.logs("loss", 1.0, "val_accuracy", 0.65));
        assertEquals(List.of("acc-2.keras", "best-1.keras", "best-3.keras"), listing());
    }

    @Test
    void missingMonitorWarnsAndNonFiniteLossIsNotWritten() throws IOException {
        Seeds.setRandomSeed(3);
        Sequential m = new Sequential(new Dense(1).inputShape(2));
        ModelCheckpoint cb = new ModelCheckpoint(dir.resolve("b-{epoch}.keras").toString()).saveBestOnly(true);
        cb.setModel(m);
        String err = CallbackFixture.stderrOf(() -> cb.onEpochEnd(0, CallbackFixture.logs("loss", 1.0)));
        assertTrue(err.contains("Can save best model only with val_loss available, skipping") && err.contains("loss"),
                err);
        ModelCheckpoint all = new ModelCheckpoint(dir.resolve("a-{epoch}.keras").toString());
        all.setModel(m);
        String nan = CallbackFixture.stderrOf(() -> all.onEpochEnd(0, CallbackFixture.logs("loss", Double.NaN)));
        assertTrue(nan.contains("not saved"), nan);
        all.onEpochEnd(1, CallbackFixture.logs("loss", Double.POSITIVE_INFINITY));
        assertEquals(List.of(), listing());
        all.onEpochEnd(2, CallbackFixture.logs("loss", 0.5));
        assertEquals(List.of("a-3.keras"), listing());
    }

    @Test
    void weightsOnlyFileLoadsWithLoadWeights() throws IOException {
        Sequential m = CallbackFixture.model(new SGD(0.05));
        ModelCheckpoint cb = new ModelCheckpoint(dir.resolve("w-{epoch}.safetensors").toString()).saveWeightsOnly(true)
                .verbose(1);
        String out = CallbackFixture.stdoutOf(() -> m.fit(CallbackFixture.X, CallbackFixture.Y,
                Fit.epochs(2).batchSize(3).shuffle(false).verbose(0).callbacks(cb)));
        assertTrue(out.contains("Epoch 2: saving model to ") && out.contains("w-2.safetensors"), out);
        assertEquals(List.of("w-1.safetensors", "w-2.safetensors"), listing());
        Names.reset();
        Sequential other = CallbackFixture.model(new SGD(0.05));
        other.build(new long[] {2});
        INDArray before = other.predict(CallbackFixture.X);
        other.loadWeights(dir.resolve("w-2.safetensors").toString());
        assertEquals(m.predict(CallbackFixture.X), other.predict(CallbackFixture.X));
        assertFalse(before.equals(other.predict(CallbackFixture.X)));
    }
}
