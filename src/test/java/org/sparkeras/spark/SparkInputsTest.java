package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.models.Model;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/** The input forms of distributed training: several inputs and outputs by name, numeric column lists, ML vectors, sample weights, RDDs of samples. */
class SparkInputsTest {
    static Model wideAndDeep() {
        Seeds.setRandomSeed(8);
        Input wide = Input.of("wide", 2), deep = Input.of("deep", 3);
        KerasTensor h = new Dense(8, "relu").apply(deep);
        KerasTensor main = new Dense(1).named("main").apply(new Concatenate().apply(wide, h));
        KerasTensor aux = new Dense(1).named("aux").apply(h);
        Model m = Model.of(List.of(wide, deep), List.of(main, aux));
        m.compile(Compile.optimizer("adam").loss("mse", "mse").lossWeights(0.9, 0.1).metrics("mae"));
        return m;
    }

    static org.apache.spark.sql.Dataset<Row> housingLike(SparkSession spark, int n) {
        SplittableRandom r = new SplittableRandom(4);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian(), b = r.nextGaussian(), c = r.nextGaussian(), d = r.nextGaussian();
            double target = 0.5 * a - b + 0.3 * c * d;
            rows.add(RowFactory.create(a, b, Vectors.dense(b, c, d), target, i % 2 == 0 ? 1.0 : 2.0));
        }
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("deep_features", SQLDataTypes.VectorType()).add("y", DataTypes.DoubleType)
                .add("w", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema).repartition(3);
    }

    @Test
    void aTwoInputTwoOutputModelTrainsFromNamedColumnsWithSampleWeights() {
        SparkSession spark = SparkTestSessions.local(2, 2);
        Model m = wideAndDeep();
        Columns cols = Columns.of().input("wide", "a", "b").input("deep", "deep_features")
                .output("main", "y").output("aux", "y").sampleWeight("w");
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(4);
        History h = trainer.fit(m, housingLike(spark, 600), cols, Fit.epochs(6).batchSize(16).seed(3).verbose(0));
        assertEquals(List.of("loss", "main_loss", "aux_loss", "main_mae", "aux_mae"), List.copyOf(h.history().keySet()));
        assertTrue(h.get("loss").get(5) < h.get("loss").get(0), h.get("loss").toString());
        Map<String, Double> e = trainer.evaluate(m, housingLike(spark, 200), cols, 32);
        assertEquals(0.9 * e.get("main_loss") + 0.1 * e.get("aux_loss"), e.get("loss"), 1e-6);
        org.apache.spark.sql.Dataset<Row> p = trainer.predict(m, housingLike(spark, 50),
                Columns.of().input("wide", "a", "b").input("deep", "deep_features"), 16);
        assertTrue(List.of(p.columns()).containsAll(List.of("main_prediction", "aux_prediction")));
        assertEquals(DataTypes.DoubleType, p.schema().apply("main_prediction").dataType());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(m, housingLike(spark, 10), Columns.of().input("wide", "a", "b").output("main", "y")
                        .output("aux", "y"), Fit.epochs(1).verbose(0)));
        assertTrue(missing.getMessage().contains("\"deep\""), missing.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(m, housingLike(spark, 10), Columns.of().input("wide", "a").input("deep", "deep_features")
                        .output("main", "y").output("aux", "y"), Fit.epochs(1).verbose(0)));
        assertTrue(width.getMessage().contains("expects 2 values") && width.getMessage().contains("[a]"),
                width.getMessage());
    }

    @Test
    void anRddOfSamplesTrains() {
        SparkSession spark = SparkTestSessions.local(2, 2);
        SparkTrainerTest.data();
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            float[] f = new float[SparkTrainerTest.FEATURES];
            for (int j = 0; j < f.length; j++) {
                f[j] = SparkTrainerTest.x.getFloat(i, j);
            }
            samples.add(Sample.of(f, SparkTrainerTest.y.getFloat(i, 0)));
        }
        JavaRDD<Sample> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(samples, 4);
        Model m = SparkTrainerTest.model("adam");
        SparkDataset[] parts = SparkDataset.fromSamples(rdd, m, false, SparkDataset.Options.defaults().numPartitions(2), 0.2);
        assertEquals(240, parts[0].count());
        assertEquals(60, parts[1].count());
        assertEquals(2, parts[0].numPartitions());
        History h = new SparkTrainer(spark).fit(m, parts[0], parts[1], Fit.epochs(2).batchSize(16).verbose(0));
        assertEquals(2, h.get("val_loss").size());
        parts[0].unpersist();
        parts[1].unpersist();
    }
}
