package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.tensorboard.EventFileReader;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Names;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

class TensorBoardTest {
    @TempDir
    Path logDir;

    private INDArray x;
    private INDArray y;
    private INDArray xVal;
    private INDArray yVal;

    @BeforeEach
    void data() {
        Names.reset();
        Seeds.setRandomSeed(5);
        Nd4j.getRandom().setSeed(13);
        x = Nd4j.rand(DataType.FLOAT, 30, 2);
        y = x.sum(1).gt(1.0).castTo(DataType.FLOAT);
        xVal = Nd4j.rand(DataType.FLOAT, 12, 2);
        yVal = xVal.sum(1).gt(1.0).castTo(DataType.FLOAT);
    }

    private static Sequential model() {
        Sequential m = new Sequential(new Dense(4, "relu").inputShape(2), new Dense(2, "softmax"));
        m.compile(Compile.optimizer(new SGD(0.125)).loss("sparse_categorical_crossentropy").metrics("accuracy"));
        return m;
    }

    /** 30 samples in batches of 10: 3 batches an epoch. */
    private History fit(Callback... callbacks) {
        return model().fit(x, y, Fit.epochs(3).batchSize(10).verbose(0).seed(1).validationData(xVal, yVal)
                .callbacks(callbacks));
    }

    private static Map<String, TreeMap<Long, Float>> scalars(Path dir) throws IOException {
        return EventFileReader.scalars(EventFileReader.read(EventFileReader.onlyFile(dir)));
    }

    private static TreeMap<Long, Float> perEpoch(List<Double> values) {
        TreeMap<Long, Float> m = new TreeMap<>();
        for (int i = 0; i < values.size(); i++) {
            m.put((long) i, values.get(i).floatValue());
        }
        return m;
    }

    @Test
    void epochScalarsMatchTheHistory() throws IOException {
        History h = fit(new TensorBoard(logDir.toString()));

        Path trainFile = EventFileReader.onlyFile(logDir.resolve("train"));
        List<EventFileReader.Event> train = EventFileReader.read(trainFile);
        assertEquals("brain.Event:2", train.get(0).fileVersion());
        assertTrue(train.get(0).wallTime() > 1.6e9, "wall time " + train.get(0).wallTime());
        Map<String, TreeMap<Long, Float>> t = EventFileReader.scalars(train);
        assertEquals(List.of("epoch_loss", "epoch_accuracy", "epoch_learning_rate"), List.copyOf(t.keySet()));
        assertEquals(perEpoch(h.get("loss")), t.get("epoch_loss"));
        assertEquals(perEpoch(h.get("accuracy")), t.get("epoch_accuracy"));
        assertEquals(new TreeMap<>(Map.of(0L, 0.125f, 1L, 0.125f, 2L, 0.125f)), t.get("epoch_learning_rate"));

        List<EventFileReader.Event> validation = EventFileReader.read(EventFileReader.onlyFile(logDir.resolve("validation")));
        assertEquals("brain.Event:2", validation.get(0).fileVersion());
        Map<String, TreeMap<Long, Float>> v = EventFileReader.scalars(validation);
        assertEquals(List.of("epoch_loss", "epoch_accuracy"), List.copyOf(v.keySet()));
        assertEquals(perEpoch(h.get("val_loss")), v.get("epoch_loss"));
        assertEquals(perEpoch(h.get("val_accuracy")), v.get("epoch_accuracy"));
        // The validation loss differs from the training loss, so the two files were not mixed up.
        assertFalse(t.get("epoch_loss").equals(v.get("epoch_loss")));
    }

    /** Records the training logs at every batch end with the 1-based global batch count. */
    private static final class BatchRecorder extends Callback {
        final TreeMap<Long, Map<String, Double>> logs = new TreeMap<>();
        long global;

        @Override
        public void onTrainBatchEnd(int batch, Map<String, Double> batchLogs) {
            logs.put(++global, Map.copyOf(batchLogs));
        }
    }

    @Test
    void integerUpdateFreqWritesBatchScalarsAtEveryNthGlobalStep() throws IOException {
        BatchRecorder recorder = new BatchRecorder();
        History h = fit(recorder, new TensorBoard(logDir).updateFreq(2));
        assertEquals(9, recorder.logs.size());

        Map<String, TreeMap<Long, Float>> t = scalars(logDir.resolve("train"));
        assertEquals(List.of(2L, 4L, 6L, 8L), List.copyOf(t.get("batch_loss").keySet()));
        assertEquals(List.of(2L, 4L, 6L, 8L), List.copyOf(t.get("batch_accuracy").keySet()));
        for (long step : t.get("batch_loss").keySet()) {
            assertEquals(recorder.logs.get(step).get("loss").floatValue(), t.get("batch_loss").get(step));
            assertEquals(recorder.logs.get(step).get("accuracy").floatValue(), t.get("batch_accuracy").get(step));
        }
        assertEquals(perEpoch(h.get("loss")), t.get("epoch_loss"));
        Map<String, TreeMap<Long, Float>> v = scalars(logDir.resolve("validation"));
        assertFalse(v.keySet().stream().anyMatch(k -> k.startsWith("batch_")), v.keySet().toString());
    }

    @Test
    void updateFreqBatchWritesEveryBatch() throws IOException {
        fit(new TensorBoard(logDir).updateFreq("batch"));
        Map<String, TreeMap<Long, Float>> t = scalars(logDir.resolve("train"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), List.copyOf(t.get("batch_loss").keySet()));
    }

    @Test
    void updateFreqEpochWritesNoBatchScalars() throws IOException {
        TensorBoard tb = new TensorBoard(logDir).updateFreq(3).updateFreq("epoch");
        assertFalse(tb.wantsBatchLogs());
        fit(tb);
        Map<String, TreeMap<Long, Float>> t = scalars(logDir.resolve("train"));
        assertFalse(t.keySet().stream().anyMatch(k -> k.startsWith("batch_")), t.keySet().toString());
    }

    @Test
    void stepsPerSecondIsWrittenWhenAsked() throws IOException {
        fit(new TensorBoard(logDir).updateFreq(3).writeStepsPerSecond(true));
        Map<String, TreeMap<Long, Float>> t = scalars(logDir.resolve("train"));
        assertEquals(List.of(0L, 1L, 2L), List.copyOf(t.get("epoch_steps_per_second").keySet()));
        assertEquals(List.of(3L, 6L, 9L), List.copyOf(t.get("batch_steps_per_second").keySet()));
        for (float s : t.get("epoch_steps_per_second").values()) {
            assertTrue(s > 0 && Float.isFinite(s), "steps per second " + s);
        }
        assertFalse(scalars(logDir.resolve("validation")).containsKey("epoch_steps_per_second"));
    }

    @Test
    void noValidationDataMeansNoValidationRun() throws IOException {
        History h = model().fit(x, y, Fit.epochs(2).batchSize(10).verbose(0).seed(1).callbacks(new TensorBoard(logDir)));
        assertEquals(List.of("train"), EventFileReader.files(logDir).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(perEpoch(h.get("loss")), scalars(logDir.resolve("train")).get("epoch_loss"));
    }

    @Test
    void aSecondFitWithTheSameCallbackOpensNewFiles() throws IOException {
        TensorBoard tb = new TensorBoard(logDir);
        Sequential m = model();
        History first = m.fit(x, y, Fit.epochs(1).batchSize(10).verbose(0).seed(1).callbacks(tb));
        History second = m.fit(x, y, Fit.epochs(1).batchSize(10).verbose(0).seed(1).callbacks(tb));
        List<Path> files = EventFileReader.files(logDir.resolve("train"));
        assertEquals(2, files.size());
        List<Float> losses = new ArrayList<>();
        for (Path f : files) {
            List<EventFileReader.Event> events = EventFileReader.read(f);
            assertEquals("brain.Event:2", events.get(0).fileVersion());
            losses.add(EventFileReader.scalars(events).get("epoch_loss").get(0L));
        }
        // Name order is creation order (same second: the second file has the ".1" suffix).
        assertEquals(List.of(first.get("loss").get(0).floatValue(), second.get("loss").get(0).floatValue()), losses);
    }

    @Test
    void invalidUpdateFreqFailsWithTheValue() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new TensorBoard(logDir).updateFreq(0));
        assertEquals("TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive integer, received 0",
                zero.getMessage());
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                () -> new TensorBoard(logDir).updateFreq("weekly"));
        assertEquals("TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive integer, received \"weekly\"",
                word.getMessage());
    }

    @Test
    void defaultLogDirIsLogs() {
        assertEquals(Path.of("logs"), new TensorBoard().logDir());
    }
}
