package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.models.Sequential;
import org.sparkeras.spark.SparkTestSessions;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/** Batch scoring a CSV into Parquet with a saved model (jobs/predict.sh). */
class PredictJobTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = PredictJob.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scoresACsvIntoParquetWithAPredictionColumn() throws Exception {
        SparkSession spark = SparkTestSessions.local(2, 2);
        Seeds.setRandomSeed(3);
        Sequential model = new Sequential(Input.of(3), new Dense(4, "relu"), new Dense(1));
        model.compile(Compile.optimizer("adam").loss("mse"));
        SplittableRandom r = new SplittableRandom(1);
        int n = 40;
        float[] xs = new float[n * 3];
        StringBuilder csv = new StringBuilder("id,a,b,c\n");
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                xs[i * 3 + j] = (float) Math.round(r.nextGaussian() * 1000) / 1000f;
            }
            csv.append(i).append(',').append(xs[i * 3]).append(',').append(xs[i * 3 + 1]).append(',').append(xs[i * 3 + 2])
                    .append('\n');
        }
        INDArray x = Nd4j.createFromArray(xs).reshape(n, 3);
        model.fit(x, x.sum(1).reshape(n, 1), Fit.epochs(2).batchSize(8).verbose(0));
        model.save(dir.resolve("model.zip").toString());
        Files.writeString(dir.resolve("table.csv"), csv);

        String out = dir.resolve("scored").toString();
        Run ok = run("--model", dir.resolve("model.zip").toString(), "--input", dir.resolve("table.csv").toString(),
                "--features", "a,b,c", "--output", out, "--master", spark.sparkContext().master());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("Scored 40 rows"), ok.out());
        List<Row> rows = spark.read().parquet(out).collectAsList();
        assertEquals(40, rows.size());
        INDArray expected = model.predict(x);
        for (Row row : rows) {
            int id = row.getInt(row.fieldIndex("id"));
            assertEquals(expected.getFloat(id, 0), row.getDouble(row.fieldIndex("prediction")), 1e-5);
        }

        Run exists = run("--model", dir.resolve("model.zip").toString(), "--input", dir.resolve("table.csv").toString(),
                "--features", "a,b,c", "--output", out, "--master", spark.sparkContext().master());
        assertEquals(2, exists.code());
        assertTrue(exists.err().contains("--overwrite"), exists.err());
        Run missing = run("--model", dir.resolve("model.zip").toString(), "--input", dir.resolve("table.csv").toString(),
                "--features", "a,b,z", "--output", dir.resolve("s2").toString(), "--master", spark.sparkContext().master());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("\"z\"") && missing.err().contains("[id, a, b, c]"), missing.err());
        Run none = run("--model", dir.resolve("model.zip").toString(), "--input", dir.resolve("table.csv").toString(),
                "--output", dir.resolve("s3").toString());
        assertEquals(2, none.code());
    }
}
