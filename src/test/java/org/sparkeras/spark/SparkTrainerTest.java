package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.saving.ModelArchive;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/** SparkTrainer on local[2] (two tasks in one JVM): parity with LocalTrainer, DataFrames, evaluate, predict. */
class SparkTrainerTest {
    static final int N = 600;
    static final int FEATURES = 8;
    static final int CLASSES = 3;
    static INDArray x;
    static INDArray y;
    static SparkSession spark;

    @BeforeAll
    static void data() {
        SplittableRandom r = new SplittableRandom(5);
        float[] xs = new float[N * FEATURES];
        float[] ys = new float[N];
        for (int i = 0; i < N; i++) {
            double a = 0, b = 0;
            for (int j = 0; j < FEATURES; j++) {
                float v = (float) r.nextGaussian();
                xs[i * FEATURES + j] = v;
                a += j % 2 == 0 ? v : 0;
                b += j < 4 ? v : -v;
            }
            ys[i] = a > 0.5 ? 2 : (b > 0 ? 1 : 0);
        }
        x = Nd4j.createFromArray(xs).reshape(N, FEATURES);
        y = Nd4j.createFromArray(ys).reshape(N, 1);
        spark = SparkTestSessions.local(2, 2);
    }

    static Sequential model(String optimizer) {
        Seeds.setRandomSeed(17);
        Sequential m = new Sequential(Input.of(FEATURES), new Dense(16, "relu"), new Dense(CLASSES, "softmax"));
        m.compile(Compile.optimizer(optimizer).loss("sparse_categorical_crossentropy").metrics("accuracy"));
        return m;
    }

    static Model copy(Model m) throws IOException {
        return ModelArchive.fromBytes(ModelArchive.toBytes(m, null), "copy");
    }

    static float[] params(Model m) {
        return Host.toFloats(m.parameters().values(), null);
    }

    @Test
    void onePartitionGivesBitwiseTheParametersOfLocalTraining() throws IOException {
        for (String opt : List.of("adam", "sgd")) {
            Model local = model(opt);
            Model distributed = copy(local);
            Fit fit = Fit.epochs(2).batchSize(32).seed(7).verbose(0);
            History lh = local.fit(x, y, fit);
            SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(5)
                    .dataOptions(SparkDataset.Options.defaults().numPartitions(1));
            distributed.setTrainer(trainer);
            History sh = distributed.fit(x, y, Fit.epochs(2).batchSize(32).seed(7).verbose(0));
            assertArrayEquals(params(local), params(distributed), opt + ": parameters differ");
            assertEquals(local.compiled().optimizer().iterations(), distributed.compiled().optimizer().iterations());
            assertEquals(lh.get("loss").get(1), sh.get("loss").get(1), 1e-9);
            assertEquals(lh.get("accuracy").get(1), sh.get("accuracy").get(1), 1e-12);
            assertFalse(trainer.roundStats().isEmpty());
        }
    }

    @Test
    void averagingEveryStepOverEqualPartitionsIsOneLargeBatchStep() throws IOException {
        Model local = model("sgd");
        Model distributed = copy(local);
        // 4 partitions x 50 rows, one step of 50 each, averaged == one step of 200 with SGD.
        local.fit(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 200)),
                y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 200)),
                Fit.epochs(1).batchSize(200).shuffle(false).verbose(0));
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(1)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(4));
        distributed.setTrainer(trainer);
        distributed.fit(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 200)),
                y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 200)),
                Fit.epochs(1).batchSize(50).shuffle(false).verbose(0));
        float[] a = params(local), b = params(distributed);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6, "parameter " + i);
        }
    }

    @Test
    void aSeededRunIsReproducibleWithSeveralPartitions() throws IOException {
        Model a = model("adam");
        Model b = copy(a);
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(3)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(3));
        a.setTrainer(trainer);
        b.setTrainer(trainer);
        a.fit(x, y, Fit.epochs(2).batchSize(16).seed(11).verbose(0));
        b.fit(x, y, Fit.epochs(2).batchSize(16).seed(11).verbose(0));
        assertArrayEquals(params(a), params(b));
    }

    static org.apache.spark.sql.Dataset<Row> frame(int from, int to) {
        return orderedFrame(from, to).repartition(3);
    }

    /** Rows from..to in the order of the arrays (a local relation keeps its order). */
    static org.apache.spark.sql.Dataset<Row> orderedFrame(int from, int to) {
        return orderedFrame(spark, from, to);
    }

    static org.apache.spark.sql.Dataset<Row> orderedFrame(SparkSession session, int from, int to) {
        List<Row> rows = new ArrayList<>();
        float[] xs = Host.toFloats(x, null);
        for (int i = from; i < to; i++) {
            List<Float> f = new ArrayList<>();
            for (int j = 0; j < FEATURES; j++) {
                f.add(xs[i * FEATURES + j]);
            }
            rows.add(RowFactory.create(i, f, (int) y.getFloat(i, 0)));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.IntegerType);
        return session.createDataFrame(rows, schema);
    }

    @Test
    void trainsEvaluatesAndPredictsDataFrames() {
        Model m = model("adam");
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(4);
        Columns cols = Columns.single("features", "label");
        History h = trainer.fit(m, frame(0, 500), cols, Fit.epochs(4).batchSize(16).seed(3).verbose(0));
        assertEquals(4, h.get("loss").size());
        assertTrue(h.get("loss").get(3) < h.get("loss").get(0), "loss fell: " + h.get("loss"));

        // Distributed evaluation equals local evaluation of the same rows.
        Map<String, Double> dist = trainer.evaluate(m, frame(500, 600), cols, 32);
        INDArray tx = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(500, 600));
        INDArray ty = y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(500, 600));
        Map<String, Double> loc = new org.sparkeras.training.LocalTrainer().evaluate(m,
                new org.sparkeras.data.ArrayDataset(List.of(tx), List.of(ty), null, null, 32, false, 0));
        assertEquals(loc.get("loss"), dist.get("loss"), 1e-6);
        assertEquals(loc.get("accuracy"), dist.get("accuracy"), 0.0);

        // Predictions: one vector column appended, equal to local predictions row by row.
        org.apache.spark.sql.Dataset<Row> scored = trainer.predict(m, frame(500, 600), Columns.features("features"), 32);
        assertEquals(List.of("id", "features", "label", "prediction"), List.of(scored.columns()));
        INDArray expected = m.predict(tx);
        for (Row r : scored.collectAsList()) {
            int id = r.getInt(0);
            Vector v = (Vector) r.get(3);
            for (int c = 0; c < CLASSES; c++) {
                assertEquals(expected.getFloat(id - 500, c), v.apply(c), 1e-5);
            }
        }
    }

    @Test
    void aOnePartitionDataFrameFitWithClassWeightsEqualsTheLocalFit() throws IOException {
        Model local = model("adam");
        Model distributed = copy(local);
        Map<Integer, Double> classWeight = Map.of(0, 0.5, 1, 1.0, 2, 3.0);
        INDArray x500 = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 500));
        INDArray y500 = y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 500));
        History lh = local.fit(x500, y500, Fit.epochs(2).batchSize(32).seed(21).verbose(0).classWeight(classWeight));
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(7)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(1));
        History sh = trainer.fit(distributed, orderedFrame(0, 500), Columns.single("features", "label"),
                Fit.epochs(2).batchSize(32).seed(21).verbose(0).classWeight(classWeight));
        assertArrayEquals(params(local), params(distributed));
        assertEquals(lh.get("loss").get(1), sh.get("loss").get(1), 1e-9);
    }

    @Test
    void validationSplitAndValidationDataGiveValMetrics() {
        Model m = model("adam");
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(4);
        Columns cols = Columns.single("features", "label");
        History h = trainer.fit(m, frame(0, 600), cols, Fit.epochs(2).batchSize(16).seed(3).verbose(0)
                .validationSplit(0.2));
        assertEquals(2, h.get("val_loss").size());
        assertNotNull(h.get("val_accuracy"));
        History h2 = trainer.fit(m, frame(0, 500), frame(500, 600), cols, Fit.epochs(1).batchSize(16).verbose(0));
        assertEquals(1, h2.get("val_loss").size());
    }

    @Test
    void emptyAndSkewedPartitionsTrain() {
        Model m = model("sgd");
        // 5 rows over 8 partitions: 3 are empty.
        SparkTrainer many = new SparkTrainer(spark).averagingFrequency(2)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(8));
        m.setTrainer(many);
        History h = m.fit(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5)),
                y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5)), Fit.epochs(2).batchSize(4).verbose(0));
        assertEquals(2, h.get("loss").size());
        for (float v : params(m)) {
            assertTrue(Float.isFinite(v));
        }
        // One partition 100x larger than the others, kept as it is (no rebalancing).
        List<Row> rows = new ArrayList<>();
        float[] xs = Host.toFloats(x, null);
        for (int i = 0; i < 303; i++) {
            List<Float> f = new ArrayList<>();
            for (int j = 0; j < FEATURES; j++) {
                f.add(xs[i * FEATURES + j]);
            }
            rows.add(RowFactory.create(i < 300 ? 0 : i - 299, f, (int) y.getFloat(i, 0)));
        }
        StructType schema = new StructType().add("part", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.IntegerType);
        org.apache.spark.sql.Dataset<Row> skewed = spark.createDataFrame(rows, schema)
                .repartition(4, new org.apache.spark.sql.Column("part"));
        SparkTrainer keep = new SparkTrainer(spark).averagingFrequency(4)
                .dataOptions(SparkDataset.Options.defaults().rebalance(false));
        History hs = keep.fit(model("sgd"), skewed, Columns.single("features", "label"),
                Fit.epochs(1).batchSize(8).verbose(0));
        assertEquals(1, hs.get("loss").size());
        assertTrue(Double.isFinite(hs.get("loss").get(0)));
    }

    @Test
    void badInputIsReportedBeforeTraining() {
        Model m = model("sgd");
        SparkTrainer trainer = new SparkTrainer(spark);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(m, frame(0, 50), Columns.single("pixels", "label"), Fit.epochs(1).verbose(0)));
        assertTrue(missing.getMessage().contains("\"pixels\"") && missing.getMessage().contains("features"),
                missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(m, frame(0, 50).withColumn("features", org.apache.spark.sql.functions.lit("x")),
                        Columns.single("features", "label"), Fit.epochs(1).verbose(0)));
        assertTrue(type.getMessage().contains("string"), type.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(m, frame(0, 50).limit(0), Columns.single("features", "label"), Fit.epochs(1).verbose(0)));
        assertTrue(none.getMessage().contains("no rows"), none.getMessage());
        // Labels out of range: found by the preparing job, naming the partition.
        org.apache.spark.sql.Dataset<Row> bad = frame(0, 50).withColumn("label", org.apache.spark.sql.functions.lit(3));
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(m, bad, Columns.single("features", "label"), Fit.epochs(1).verbose(0)));
        assertTrue(range.getMessage().contains("Partition") && range.getMessage().contains("3"), range.getMessage());
    }

    @Test
    void kryoWithoutTheRegistratorFailsAtOnce() {
        org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf()
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparkTrainer.checkKryo(conf));
        assertTrue(e.getMessage().contains(SparkerasKryoRegistrator.class.getName()), e.getMessage());
        SparkTrainer.checkKryo(SparkTrainer.configure(conf));
        assertEquals("PASSIVE", conf.get("spark.executorEnv.OMP_WAIT_POLICY"));
    }

    static final class NotSerializableThing {
    }

    @Test
    void aNonSerializableCapturedObjectFailsBeforeTrainingNamingItsClass() {
        NotSerializableThing thing = new NotSerializableThing();
        SparkTrainer trainer = new SparkTrainer(spark).customObjects(() -> thing.hashCode());
        Model m = model("sgd");
        m.setTrainer(trainer);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.fit(x, y, Fit.epochs(1).verbose(0)));
        assertTrue(e.getMessage().contains(NotSerializableThing.class.getName()), e.getMessage());
    }

    @Test
    void nonFiniteWorkerResultsAreCaughtBeforeAveraging() throws IOException {
        // Partition 1's rows are huge: its loss overflows.
        float[] xs = Host.toFloats(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 100)), null);
        for (int i = 50 * FEATURES; i < xs.length; i++) {
            xs[i] = 3e38f;
        }
        INDArray bx = Nd4j.createFromArray(xs).reshape(100, FEATURES);
        INDArray by = y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 100));
        Model m = model("sgd");
        float[] before = params(m);
        SparkTrainer stop = new SparkTrainer(spark).averagingFrequency(2)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(2));
        m.setTrainer(stop);
        History h = m.fit(bx, by, Fit.epochs(3).batchSize(10).shuffle(false).verbose(0));
        assertTrue(h.terminatedOnNaN());
        assertArrayEquals(before, params(m), "the round was not applied");

        Model f = model("sgd");
        f.setTrainer(new SparkTrainer(spark).averagingFrequency(2).onNonFinite(NonFinitePolicy.FAIL)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(2)));
        SparkTrainingException e = assertThrows(SparkTrainingException.class,
                () -> f.fit(bx, by, Fit.epochs(1).batchSize(10).shuffle(false).verbose(0)));
        assertTrue(e.getMessage().contains("partition 1, epoch 1, round 1"), e.getMessage());

        Model d = model("sgd");
        d.setTrainer(new SparkTrainer(spark).averagingFrequency(2).onNonFinite(NonFinitePolicy.DROP)
                .dataOptions(SparkDataset.Options.defaults().numPartitions(2)));
        History hd = d.fit(bx, by, Fit.epochs(2).batchSize(10).shuffle(false).verbose(0));
        assertFalse(hd.terminatedOnNaN());
        for (float v : params(d)) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void doubleModelsAreRefusedWithTheReason() {
        Seeds.setRandomSeed(1);
        Sequential m = new Sequential(Input.of(FEATURES), new Dense(2));
        m.compile(Compile.optimizer("sgd").loss("mse"));
        assertEquals(DataType.FLOAT, m.dtype());
    }
}
