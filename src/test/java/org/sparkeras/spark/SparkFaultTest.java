package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.Callback;
import org.sparkeras.callbacks.History;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/** Task failures (RELIABILITY.md cases 9 and 10), streaming and tree aggregation on local[2, 2 attempts]. */
class SparkFaultTest {
    static SparkSession spark;

    @BeforeAll
    static void session() {
        SparkTrainerTest.data();
        spark = SparkTestSessions.local(2, 2);
        FlakyIdentity.register();
    }

    @AfterEach
    void disarm() {
        FlakyIdentity.ONCE.set(0);
        FlakyIdentity.always = false;
    }

    static Model flakyModel() {
        Seeds.setRandomSeed(23);
        Sequential m = new Sequential(Input.of(SparkTrainerTest.FEATURES), new Dense(16, "relu"), new FlakyIdentity(),
                new Dense(SparkTrainerTest.CLASSES, "softmax"));
        m.compile(Compile.optimizer("adam").loss("sparse_categorical_crossentropy").metrics("accuracy"));
        return m;
    }

    static SparkTrainer trainer() {
        return new SparkTrainer(spark).averagingFrequency(3).dataOptions(SparkDataset.Options.defaults().numPartitions(2));
    }

    @Test
    void aTaskThatFailsOnceGivesTheParametersOfACleanRun() throws IOException {
        Model clean = flakyModel();
        Model faulty = SparkTrainerTest.copy(clean);
        clean.setTrainer(trainer());
        History hc = clean.fit(SparkTrainerTest.x, SparkTrainerTest.y, Fit.epochs(2).batchSize(16).seed(5).verbose(0));
        faulty.setTrainer(trainer());
        // Arm the failure between rounds: the third round's task of partition 1 fails on attempt 0.
        Callback arm = new Callback() {
            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                if (batch == 1) {
                    FlakyIdentity.ONCE.set(1);
                }
            }
        };
        History hf = faulty.fit(SparkTrainerTest.x, SparkTrainerTest.y,
                Fit.epochs(2).batchSize(16).seed(5).verbose(0).callbacks(arm));
        assertEquals(0, FlakyIdentity.ONCE.get(), "the failure was injected");
        assertArrayEquals(SparkTrainerTest.params(clean), SparkTrainerTest.params(faulty));
        assertEquals(hc.history(), hf.history(), "same losses and metrics: no sample counted twice");
    }

    @Test
    void aTaskThatAlwaysFailsEndsTheFitWithTheOriginalCause() {
        Model m = flakyModel();
        float[] before = SparkTrainerTest.params(m);
        m.setTrainer(trainer());
        FlakyIdentity.always = true;
        SparkTrainingException e = assertThrows(SparkTrainingException.class,
                () -> m.fit(SparkTrainerTest.x, SparkTrainerTest.y, Fit.epochs(1).batchSize(16).verbose(0)));
        assertTrue(e.getMessage().contains("injected failure (every attempt)"), e.getMessage());
        assertTrue(e.getMessage().contains("epoch 1, round 1"), e.getMessage());
        assertArrayEquals(before, SparkTrainerTest.params(m), "nothing was averaged");
    }

    @Test
    void streamingTrainsAndEvaluatesLikePersistedData() {
        Columns cols = Columns.single("features", "label");
        Model m = SparkTrainerTest.model("adam");
        SparkTrainer streaming = new SparkTrainer(spark).averagingFrequency(4)
                .dataOptions(SparkDataset.Options.defaults().streaming(true).numPartitions(2));
        org.apache.spark.sql.Dataset<Row> df = SparkTrainerTest.frame(0, 400);
        History h = streaming.fit(m, df, cols, Fit.epochs(3).batchSize(16).seed(2).verbose(0).validationSplit(0.25));
        assertEquals(3, h.get("val_loss").size());
        assertTrue(h.get("loss").get(2) < h.get("loss").get(0), h.get("loss").toString());
        Map<String, Double> a = streaming.evaluate(m, SparkTrainerTest.frame(400, 600), cols, 16);
        Map<String, Double> b = new SparkTrainer(spark).evaluate(m, SparkTrainerTest.frame(400, 600), cols, 16);
        assertEquals(b.get("loss"), a.get("loss"), 1e-6);
        assertEquals(b.get("accuracy"), a.get("accuracy"), 0.0);
    }

    @Test
    void treeAggregationMatchesDirectAggregation() throws IOException {
        Model a = SparkTrainerTest.model("sgd");
        Model b = SparkTrainerTest.copy(a);
        Model c = SparkTrainerTest.copy(a);
        SparkDataset.Options six = SparkDataset.Options.defaults().numPartitions(6);
        a.setTrainer(new SparkTrainer(spark).averagingFrequency(2).dataOptions(six));
        b.setTrainer(new SparkTrainer(spark).averagingFrequency(2).dataOptions(six).aggregationDepth(2));
        c.setTrainer(new SparkTrainer(spark).averagingFrequency(2).dataOptions(six).aggregationDepth(2));
        Fit fit = Fit.epochs(1).batchSize(20).seed(9).verbose(0);
        a.fit(SparkTrainerTest.x, SparkTrainerTest.y, fit);
        b.fit(SparkTrainerTest.x, SparkTrainerTest.y, fit);
        c.fit(SparkTrainerTest.x, SparkTrainerTest.y, fit);
        float[] pa = SparkTrainerTest.params(a), pb = SparkTrainerTest.params(b);
        for (int i = 0; i < pa.length; i++) {
            assertEquals(pa[i], pb[i], 1e-6);
        }
        assertArrayEquals(pb, SparkTrainerTest.params(c), "depth 2 is reproducible");
    }
}
