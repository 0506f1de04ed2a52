package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparkeras.callbacks.History;
import org.sparkeras.models.Model;
import org.sparkeras.training.Fit;

/**
 * The short end-to-end check that CI also runs against the spark-4.1 profile (Scala 2.13): a
 * DataFrame fit through Spark with Kryo registration required, a distributed evaluation and a
 * prediction DataFrame.
 */
class SparkSmokeTest {
    @Test
    void fitEvaluatePredictOnLocalSpark() {
        SparkTrainerTest.data();
        SparkSession spark = SparkTestSessions.local(2, 2);
        assertEquals("true", spark.conf().get("spark.kryo.registrationRequired"));
        Model m = SparkTrainerTest.model("adam");
        SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(4);
        Columns cols = Columns.single("features", "label");
        History h = trainer.fit(m, SparkTrainerTest.frame(0, 500), cols,
                Fit.epochs(15).batchSize(16).seed(1).verbose(0).validationSplit(0.2));
        assertTrue(h.get("loss").get(14) < h.get("loss").get(0), h.get("loss").toString());
        Map<String, Double> test = trainer.evaluate(m, SparkTrainerTest.frame(500, 600), cols, 32);
        assertTrue(test.get("accuracy") > 0.6, test.toString());
        org.apache.spark.sql.Dataset<Row> scored = trainer.predict(m, SparkTrainerTest.frame(500, 600),
                Columns.features("features"), 32);
        assertEquals(100, scored.count());
        System.out.println("Spark " + spark.version() + " smoke: " + test);
    }
}
