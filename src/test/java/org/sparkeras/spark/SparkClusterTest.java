package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.Callback;
import org.sparkeras.callbacks.History;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/**
 * A real multi-JVM cluster (local-cluster[2,1,1024]: a standalone master and two workers in this
 * JVM, each executor its own JVM): training across JVMs, and RELIABILITY.md case 11, an executor
 * JVM killed in the middle of a round.
 */
class SparkClusterTest {
    @AfterAll
    static void stop() {
        SparkTestSessions.stop();
    }

    @Test
    void anExecutorKilledMidRoundIsSurvivedAndTheFitReplaysExactly() throws IOException {
        SparkSession spark = SparkTestSessions.localCluster(2, 1, 1024);
        int n = 2048, features = 196;
        SplittableRandom r = new SplittableRandom(3);
        float[] xs = new float[n * features];
        float[] ys = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < features; j++) {
                float v = (float) r.nextGaussian();
                xs[i * features + j] = v;
                s += j % 3 == 0 ? v : 0;
            }
            ys[i] = s > 0 ? 1 : 0;
        }
        INDArray x = Nd4j.createFromArray(xs).reshape(n, features);
        INDArray y = Nd4j.createFromArray(ys).reshape(n, 1);
        Path marker = Files.createTempDirectory("sparkeras-kill").resolve("kill-one-executor");
        HaltOnce.register();
        Seeds.setRandomSeed(41);
        Sequential clean = new Sequential(Input.of(features), new Dense(128, "relu"), new HaltOnce(marker.toString()),
                new Dense(2, "softmax"));
        clean.compile(Compile.optimizer("adam").loss("sparse_categorical_crossentropy").metrics("accuracy"));
        Model killed = SparkTrainerTest.copy(clean);
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(8).customObjects(HaltOnce::register)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(2));
        clean.setTrainer(trainer);
        History hc = clean.fit(x, y, Fit.epochs(2).batchSize(32).seed(13).verbose(0));
        assertTrue(hc.get("accuracy").get(1) > 0.8, "learned across two executor JVMs: " + hc.history());

        Callback arm = new Callback() {
            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                if (batch == 1 && !Files.exists(marker.getParent().resolve("armed"))) {
                    try {
                        Files.createFile(marker.getParent().resolve("armed"));
                        Files.createFile(marker);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        killed.setTrainer(trainer);
        History hk = killed.fit(x, y, Fit.epochs(2).batchSize(32).seed(13).verbose(0).callbacks(arm));
        assertFalse(Files.exists(marker), "an executor took the marker and halted");
        assertArrayEquals(SparkTrainerTest.params(clean), SparkTrainerTest.params(killed),
                "the replayed round gives the parameters of the uninterrupted fit");
        assertEquals(hc.history(), hk.history(), "same losses and metrics: no sample counted twice");
    }

    @Test
    void aDataFrameFitSurvivesAnExecutorKillWithTheSameParameters() throws IOException {
        SparkTrainerTest.data(); // (starts a local session: before the cluster, which replaces it)
        SparkSession spark = SparkTestSessions.localCluster(2, 1, 1024);
        java.util.List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        float[] xs = org.sparkeras.backend.Host.toFloats(SparkTrainerTest.x, null);
        for (int i = 0; i < SparkTrainerTest.N; i++) {
            java.util.List<Float> f = new java.util.ArrayList<>();
            for (int j = 0; j < SparkTrainerTest.FEATURES; j++) {
                f.add(xs[i * SparkTrainerTest.FEATURES + j]);
            }
            rows.add(org.apache.spark.sql.RowFactory.create(f, (int) SparkTrainerTest.y.getFloat(i, 0)));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("features", org.apache.spark.sql.types.DataTypes.createArrayType(
                        org.apache.spark.sql.types.DataTypes.FloatType))
                .add("label", org.apache.spark.sql.types.DataTypes.IntegerType);
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df = spark.createDataFrame(rows, schema);
        Path marker = Files.createTempDirectory("sparkeras-kill-df").resolve("kill-one-executor");
        HaltOnce.register();
        Seeds.setRandomSeed(43);
        Sequential clean = new Sequential(Input.of(SparkTrainerTest.FEATURES), new Dense(32, "relu"),
                new HaltOnce(marker.toString()), new Dense(SparkTrainerTest.CLASSES, "softmax"));
        clean.compile(Compile.optimizer("adam").loss("sparse_categorical_crossentropy").metrics("accuracy"));
        Model killed = SparkTrainerTest.copy(clean);
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(4).customObjects(HaltOnce::register)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(2));
        Columns cols = Columns.single("features", "label");
        History hc = trainer.fit(clean, df, cols, Fit.epochs(2).batchSize(16).seed(3).verbose(0));
        Callback arm = new Callback() {
            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                if (batch == 2 && !Files.exists(marker.getParent().resolve("armed"))) {
                    try {
                        Files.createFile(marker.getParent().resolve("armed"));
                        Files.createFile(marker);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        History hk = trainer.fit(killed, df, cols, Fit.epochs(2).batchSize(16).seed(3).verbose(0).callbacks(arm));
        assertFalse(Files.exists(marker), "an executor took the marker and halted");
        assertArrayEquals(SparkTrainerTest.params(clean), SparkTrainerTest.params(killed),
                "lost cached blocks and shuffle files were recomputed and the round replayed exactly");
        assertEquals(hc.history(), hk.history());
    }
}
