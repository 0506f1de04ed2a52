package org.sparkeras.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.Callback;
import org.sparkeras.callbacks.History;
import org.sparkeras.data.Batch;
import org.sparkeras.data.Dataset;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Names;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;

class LocalTrainerTest {
    private INDArray x;
    private INDArray y;

    @BeforeEach
    void data() {
        Names.reset();
        Seeds.setRandomSeed(3);
        // A linearly separable 2-class problem: label = (x0 + x1 > 1).
        Nd4j.getRandom().setSeed(11);
        x = Nd4j.rand(DataType.FLOAT, 400, 2);
        y = x.sum(1).gt(1.0).castTo(DataType.FLOAT);
    }

    private static Sequential classifier() {
        return new Sequential(new Dense(8, "relu").inputShape(2), new Dense(2, "softmax"));
    }

    @Test
    void fitReturnsHistoryWithKerasKeysAndLearns() {
        Sequential m = classifier();
        m.compile(Compile.optimizer("adam").loss("sparse_categorical_crossentropy").metrics("accuracy"));
        History h = m.fit(x, y, Fit.epochs(30).batchSize(16).verbose(0).seed(1)
                .validationData(x.get(NDArrayIndex.interval(0, 100)), y.get(NDArrayIndex.interval(0, 100))));
        assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(h.history().keySet()));
        assertEquals(30, h.get("loss").size());
        assertTrue(h.get("loss").get(29) < h.get("loss").get(0));
        assertTrue(h.get("accuracy").get(29) > 0.9, "accuracy " + h.get("accuracy"));
        Map<String, Double> eval = m.evaluate(x, y);
        assertEquals(List.of("loss", "accuracy"), List.copyOf(eval.keySet()));
        assertTrue(eval.get("accuracy") > 0.9);
    }

    @Test
    void evaluateMatchesLastValidationEntryAndIsBatchSizeIndependent() {
        Sequential m = classifier();
        m.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
        History h = m.fit(x, y, Fit.epochs(2).verbose(0).seed(2).validationData(x, y));
        Map<String, Double> e32 = m.evaluate(x, y, 32);
        Map<String, Double> e7 = m.evaluate(x, y, 7);
        assertEquals(h.get("val_loss").get(1), e32.get("loss"), 1e-9);
        assertEquals(e32.get("loss"), e7.get("loss"), 1e-6);
        assertEquals(e32.get("accuracy"), e7.get("accuracy"), 1e-12);
    }

    @Test
    void validationSplitTakesTheLastFractionBeforeShuffling() {
        Sequential m = classifier();
        m.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
        History h = m.fit(x, y, Fit.epochs(1).verbose(0).seed(2).validationSplit(0.25));
        INDArray lastQuarterX = x.get(NDArrayIndex.interval(300, 400));
        INDArray lastQuarterY = y.get(NDArrayIndex.interval(300, 400));
        assertEquals(h.get("val_loss").get(0), m.evaluate(lastQuarterX, lastQuarterY).get("loss"), 1e-9);
    }

    @Test
    void sameSeedSameWeights() {
        List<INDArray> w1 = trainWithSeed(5), w2 = trainWithSeed(5), w3 = trainWithSeed(6);
        for (int i = 0; i < w1.size(); i++) {
            assertEquals(w1.get(i), w2.get(i));
        }
        assertNotEquals(w1.get(0), w3.get(0));
    }

    private List<INDArray> trainWithSeed(long shuffleSeed) {
        Seeds.setRandomSeed(100);
        Sequential m = classifier();
        m.compile("sgd", "sparse_categorical_crossentropy");
        m.fit(x, y, Fit.epochs(2).verbose(0).seed(shuffleSeed));
        return m.getWeights();
    }

    @Test
    void initialEpochStepsPerEpochAndCallbackHooks() {
        Sequential m = classifier();
        m.compile("sgd", "sparse_categorical_crossentropy");
        List<String> events = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onEpochBegin(int epoch, Map<String, Double> logs) {
                events.add("epoch_begin " + epoch);
            }

            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                events.add("batch_end " + batch + " " + logs.containsKey("loss"));
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                events.add("epoch_end " + epoch);
            }
        };
        History h = m.fit(x, y, Fit.epochs(3).initialEpoch(1).stepsPerEpoch(2).verbose(0).callbacks(recorder));
        assertEquals(List.of("epoch_begin 1", "batch_end 0 true", "batch_end 1 true", "epoch_end 1",
                "epoch_begin 2", "batch_end 0 true", "batch_end 1 true", "epoch_end 2"), events);
        assertEquals(List.of(1, 2), h.epochs());
    }

    @Test
    void classWeightAndSampleWeightChangeTheLoss() {
        Sequential m = classifier();
        m.compile(Compile.optimizer(new SGD(0.0)).loss("sparse_categorical_crossentropy"));
        double plain = m.fit(x, y, Fit.epochs(1).verbose(0).shuffle(false)).get("loss").get(0);
        double weighted = m.fit(x, y, Fit.epochs(1).verbose(0).shuffle(false).classWeight(Map.of(0, 0.0, 1, 2.0)))
                .get("loss").get(0);
        double[] yl = y.toDoubleVector();
        double[] sw = new double[yl.length];
        for (int i = 0; i < sw.length; i++) {
            sw[i] = yl[i] == 1.0 ? 2.0 : 0.0;
        }
        double viaSampleWeight = m.fit(x, y, Fit.epochs(1).verbose(0).shuffle(false)
                .sampleWeight(Nd4j.createFromArray(sw))).get("loss").get(0);
        assertNotEquals(plain, weighted, 1e-6);
        assertEquals(weighted, viaSampleWeight, 1e-6);
    }

    @Test
    void verboseOnePrintsAProgressBarAndVerboseTwoOneLinePerEpoch() {
        Sequential m = classifier();
        m.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
        ByteArrayOutputStream b1 = new ByteArrayOutputStream();
        m.fit(x, y, Fit.epochs(2).verbose(1).output(new PrintStream(b1, true, StandardCharsets.UTF_8)));
        String s1 = b1.toString(StandardCharsets.UTF_8);
        assertTrue(s1.contains("Epoch 1/2"), s1);
        assertTrue(s1.contains("13/13 [==============================]"), s1);
        assertTrue(s1.contains(" - loss: "), s1);
        assertTrue(s1.contains(" - accuracy: "), s1);
        ByteArrayOutputStream b2 = new ByteArrayOutputStream();
        m.fit(x, y, Fit.epochs(2).verbose(2).output(new PrintStream(b2, true, StandardCharsets.UTF_8)));
        String[] lines = b2.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, String.join("|", lines));
        assertTrue(lines[1].matches("13/13 - \\d+s - \\d+(ms|us|s)/step - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4}"), lines[1]);
        ByteArrayOutputStream b0 = new ByteArrayOutputStream();
        m.fit(x, y, Fit.epochs(1).verbose(0).output(new PrintStream(b0, true, StandardCharsets.UTF_8)));
        assertEquals("", b0.toString(StandardCharsets.UTF_8));
    }

    @Test
    void fitOnADatasetOfBatches() {
        Sequential m = classifier();
        m.compile(Compile.optimizer(new org.sparkeras.optimizers.Adam(0.01)).loss("sparse_categorical_crossentropy")
                .metrics("accuracy"));
        Dataset batches = new Dataset() {
            @Override
            public Iterator<Batch> batches(int epoch) {
                List<Batch> l = new ArrayList<>();
                for (int s = 0; s < 400; s += 50) {
                    l.add(new Batch(List.of(x.get(NDArrayIndex.interval(s, s + 50)).dup()),
                            List.of(y.get(NDArrayIndex.interval(s, s + 50)).dup()), null));
                }
                return l.iterator();
            }

            @Override
            public long steps() {
                return 8;
            }
        };
        History h = m.fit(batches, Fit.epochs(20).verbose(0));
        assertTrue(h.get("accuracy").get(19) > 0.85, h.get("accuracy").toString());
    }

    @Test
    void predictAndOnBatchMethods() {
        Sequential m = classifier();
        m.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
        INDArray p = m.predict(x, 64);
        assertArrayEquals(new long[] {400, 2}, p.shape());
        assertEquals(p, m.predict(x, 7));
        assertEquals(p.get(NDArrayIndex.interval(0, 10)), m.predictOnBatch(x.get(NDArrayIndex.interval(0, 10))));
        double rowSum = p.getRow(0).sumNumber().doubleValue();
        assertEquals(1.0, rowSum, 1e-6);
        Map<String, Double> test = m.testOnBatch(x, y);
        assertEquals(m.evaluate(x, y, 400).get("loss"), test.get("loss"), 1e-9);
        Map<String, Double> train = m.trainOnBatch(x, y);
        assertEquals(test.get("loss"), train.get("loss"), 1e-6);
        assertFalse(m.evaluate(x, y).get("loss").equals(test.get("loss")));
    }
}
