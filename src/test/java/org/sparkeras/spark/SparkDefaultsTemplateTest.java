package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sparkeras.callbacks.History;
import org.sparkeras.models.Model;
import org.sparkeras.training.Fit;

/**
 * conf/spark-defaults.conf.template (RELIABILITY.md case 23): its settings are what SparkTrainer
 * needs, and a fit runs across executor JVMs with authentication and network encryption on.
 */
class SparkDefaultsTemplateTest {
    static Map<String, String> template() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("conf", "spark-defaults.conf.template"))) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] kv = t.split("\\s+", 2);
            m.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return m;
    }

    @AfterAll
    static void stop() {
        SparkTestSessions.stop();
    }

    @Test
    void theTemplateHoldsWhatSparkerasNeeds() throws IOException {
        Map<String, String> m = template();
        SparkConf conf = new SparkConf(false);
        m.forEach(conf::set);
        SparkTrainer.checkKryo(conf);
        assertEquals("true", m.get("spark.kryo.registrationRequired"));
        assertEquals("true", m.get("spark.authenticate"));
        assertEquals("true", m.get("spark.network.crypto.enabled"));
        assertEquals("PASSIVE", m.get("spark.executorEnv.OMP_WAIT_POLICY"));
        for (String flag : SparkTestSessions.ADD_OPENS) {
            assertTrue(m.get("spark.executor.extraJavaOptions").contains(flag), flag);
            assertTrue(m.get("spark.driver.extraJavaOptions").contains(flag), flag);
        }
        // Every setting SparkTrainer.configure adds is in the template with the same value.
        SparkConf configured = SparkTrainer.configure(new SparkConf(false));
        for (scala.Tuple2<String, String> kv : configured.getAll()) {
            assertEquals(kv._2(), m.get(kv._1()), kv._1());
        }
    }

    @Test
    void aFitRunsAcrossExecutorJvmsWithAuthenticationAndEncryption() throws IOException {
        SparkTrainerTest.data();
        Map<String, String> m = template();
        Map<String, String> extra = new LinkedHashMap<>();
        for (String key : new String[] {"spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled",
                "spark.task.maxDirectResultSize", "spark.broadcast.compress"}) {
            extra.put(key, m.get(key));
        }
        extra.put("spark.authenticate.secret", "sparkeras-test-secret");
        SparkSession spark = SparkTestSessions.localCluster(2, 1, 1024, extra);
        assertEquals("true", spark.conf().get("spark.network.crypto.enabled"));
        Model model = SparkTrainerTest.model("adam");
        History h = new SparkTrainer(spark).averagingFrequency(4).fit(model, SparkTrainerTest.orderedFrame(spark, 0, 400)
                .repartition(2), Columns.single("features", "label"), Fit.epochs(2).batchSize(16).seed(2).verbose(0));
        assertTrue(h.get("loss").get(1) < h.get("loss").get(0), h.get("loss").toString());
        SparkTestSessions.stop();
    }
}
