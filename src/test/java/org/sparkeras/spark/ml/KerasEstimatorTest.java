package org.sparkeras.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.spark.Columns;
import org.sparkeras.spark.SparkTestSessions;
import org.sparkeras.training.Compile;

/** KerasEstimator and KerasModel as Spark ML pipeline stages on local[2]: fit, transform, save, load, errors. */
class KerasEstimatorTest {
    static final int N = 300;
    static final int FEATURES = 8;
    static final int CLASSES = 3;
    static final String[] NUMERIC = {"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"};
    static float[][] xs;
    static int[] ys;
    static SparkSession spark;
    static Dataset<Row> df;

    @BeforeAll
    static void data() {
        SplittableRandom r = new SplittableRandom(5);
        xs = new float[N][FEATURES];
        ys = new int[N];
        for (int i = 0; i < N; i++) {
            double a = 0, b = 0;
            for (int j = 0; j < FEATURES; j++) {
                float v = (float) r.nextGaussian();
                xs[i][j] = v;
                a += j % 2 == 0 ? v : 0;
                b += j < 4 ? v : -v;
            }
            ys[i] = a > 0.5 ? 2 : (b > 0 ? 1 : 0);
        }
        spark = SparkTestSessions.local(2, 2);
        List<Row> rows = new ArrayList<>();
        StructType schema = new StructType().add("id", DataTypes.IntegerType);
        for (String c : NUMERIC) {
            schema = schema.add(c, DataTypes.DoubleType);
        }
        schema = schema.add("b", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.DoubleType);
        for (int i = 0; i < N; i++) {
            Object[] v = new Object[FEATURES + 3];
            v[0] = i;
            List<Float> b = new ArrayList<>();
            for (int j = 0; j < FEATURES; j++) {
                v[1 + j] = (double) xs[i][j];
                if (j >= 3) {
                    b.add(xs[i][j]);
                }
            }
            v[FEATURES + 1] = b;
            v[FEATURES + 2] = (double) ys[i];
            rows.add(RowFactory.create(v));
        }
        df = spark.createDataFrame(rows, schema).repartition(2);
    }

    static Sequential classifier() {
        Seeds.setRandomSeed(17);
        Sequential m = new Sequential(Input.of(FEATURES), new Dense(16, "relu"), new Dense(CLASSES, "softmax"));
        m.compile(Compile.optimizer("adam").loss("sparse_categorical_crossentropy").metrics("accuracy"));
        return m;
    }

    static VectorAssembler assembler() {
        return new VectorAssembler().setInputCols(NUMERIC).setOutputCol("features");
    }

    /** Columns [from, to) of every row as an INDArray. */
    static INDArray x(int from, int to) {
        float[] flat = new float[N * (to - from)];
        for (int i = 0; i < N; i++) {
            System.arraycopy(xs[i], from, flat, i * (to - from), to - from);
        }
        return Nd4j.createFromArray(flat).reshape(N, to - from);
    }

    /** Every row's prediction vector equals the expected row (by id). */
    static void assertPredictions(INDArray expected, Dataset<Row> scored) {
        List<Row> rows = scored.select("id", "prediction").collectAsList();
        assertEquals(N, rows.size());
        for (Row r : rows) {
            int id = r.getInt(0);
            Vector v = (Vector) r.get(1);
            assertEquals(CLASSES, v.size());
            for (int c = 0; c < CLASSES; c++) {
                assertEquals(expected.getFloat(id, c), v.apply(c), 1e-5, "row " + id + ", class " + c);
            }
        }
    }

    @Test
    void aPipelineFitsTransformsAndIsSavedAndLoaded(@TempDir Path dir) throws Exception {
        Sequential initial = classifier();
        float[] initialParams = Host.toFloats(initial.parameters().values(), null);
        KerasEstimator keras = new KerasEstimator(initial).setEpochs(3).setBatchSize(16).setAveragingFrequency(4)
                .setSeed(7);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(), keras});
        PipelineModel fitted = pipeline.fit(df);

        KerasModel km = (KerasModel) fitted.stages()[1];
        assertEquals(keras.uid(), km.uid());
        assertTrue(km.hasParent());
        List<Double> loss = km.history().get("loss");
        assertEquals(3, loss.size());
        assertTrue(loss.get(2) < loss.get(0), "loss fell: " + loss);
        assertEquals(3, km.history().get("accuracy").size());
        assertEquals(loss.get(2), km.finalMetrics().get("loss"));

        // transform: a vector column equal to model.predict on the same rows.
        Dataset<Row> scored = fitted.transform(df);
        assertEquals(SQLDataTypes.VectorType(), scored.schema().apply("prediction").dataType());
        INDArray expected = km.model().predict(x(0, FEATURES));
        assertPredictions(expected, scored);

        // The estimator's model was not trained: fitting again starts from the same weights.
        assertArrayEquals(initialParams, Host.toFloats(keras.getModel().parameters().values(), null));

        // PipelineModel save/load (Spark finds KerasModel.read by reflection).
        String fittedPath = dir.resolve("fitted").toString();
        fitted.write().overwrite().save(fittedPath);
        fitted.write().overwrite().save(fittedPath);
        PipelineModel loaded = PipelineModel.load(fittedPath);
        KerasModel lkm = (KerasModel) loaded.stages()[1];
        assertEquals(km.uid(), lkm.uid());
        assertEquals(km.history(), lkm.history());
        assertPredictions(expected, loaded.transform(df));

        // The unfitted Pipeline saves and loads too; the loaded estimator, fitted with the same seed,
        // gives the same model as the first fit (and an independent one).
        String pipelinePath = dir.resolve("pipeline").toString();
        pipeline.write().overwrite().save(pipelinePath);
        Pipeline reloaded = Pipeline.load(pipelinePath);
        KerasEstimator lk = (KerasEstimator) reloaded.getStages()[1];
        assertEquals(3, lk.getEpochs());
        assertEquals(16, lk.getBatchSize());
        assertEquals(4, lk.getAveragingFrequency());
        assertEquals(7L, lk.getSeed());
        assertNull(lk.getColumns());
        assertArrayEquals(initialParams, Host.toFloats(lk.getModel().parameters().values(), null));
        KerasModel again = (KerasModel) reloaded.fit(df).stages()[1];
        assertNotSame(km.model(), again.model());
        assertArrayEquals(Host.toFloats(km.model().parameters().values(), null),
                Host.toFloats(again.model().parameters().values(), null));
    }

    static Model twoInputs() {
        Seeds.setRandomSeed(3);
        Input a = Input.of("a", 3), b = Input.of("b", FEATURES - 3);
        KerasTensor h = new Dense(12, "relu").apply(new Concatenate().apply(a, b));
        KerasTensor out = new Dense(CLASSES, "softmax").named("out").apply(h);
        Model m = Model.of(List.of(a, b), List.of(out));
        m.compile(Compile.optimizer("adam").loss("sparse_categorical_crossentropy").metrics("accuracy"));
        return m;
    }

    @Test
    void aMultiInputModelReadsItsColumnsThroughAMapping(@TempDir Path dir) throws Exception {
        Model model = twoInputs();
        Columns columns = Columns.of().input("a", "f0", "f1", "f2").input("b", "b").output("out", "label");
        KerasEstimator keras = new KerasEstimator(model).setColumns(columns).setEpochs(2).setBatchSize(32)
                .setValidationSplit(0.2).setPredictionCol("p");

        // copy carries the model and the mapping.
        KerasEstimator copy = keras.copy(new ParamMap().put(keras.epochs(), (Object) 1));
        assertEquals(1, copy.getEpochs());
        assertEquals(2, keras.getEpochs());
        assertNotNull(copy.getColumns());
        assertTrue(copy.hasModel());

        KerasModel km = keras.fit(df);
        assertEquals(2, km.history().get("val_loss").size());
        assertNotNull(km.getColumns());
        Dataset<Row> scored = km.setPredictionCol("prediction").transform(df);
        assertEquals(SQLDataTypes.VectorType(), scored.schema().apply("prediction").dataType());
        Map<String, INDArray> out = km.model().predict(Map.of("a", x(0, 3), "b", x(3, FEATURES)), 32);
        assertPredictions(out.get("out"), scored);

        // The estimator saves and loads with its mapping.
        String path = dir.resolve("estimator").toString();
        keras.save(path);
        KerasEstimator loaded = KerasEstimator.load(path);
        assertEquals(keras.uid(), loaded.uid());
        assertEquals(List.of(List.of("f0", "f1", "f2"), List.of("b")), loaded.getColumns().inputsOf(model));
        assertEquals(List.of(List.of("label")), loaded.getColumns().outputsOf(model));
        assertEquals("p", loaded.getPredictionCol());
        assertEquals(0.2, loaded.getValidationSplit());
        // Without overwrite(), an existing directory is refused (Spark's MLWriter).
        assertThrows(java.io.IOException.class, () -> keras.save(path));

        // Without a mapping the two inputs cannot be read: the message says what to set.
        IllegalArgumentException unmapped = assertThrows(IllegalArgumentException.class,
                () -> new KerasEstimator(model).fit(df));
        assertTrue(unmapped.getMessage().contains("[a, b]") && unmapped.getMessage().contains("setColumns"),
                unmapped.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new KerasEstimator(model).setColumns(Columns.of().input("a", "f0", "f1", "f2").input("c", "b")
                        .output("out", "label")).transformSchema(df.schema()));
        assertTrue(unknown.getMessage().contains("[c]"), unknown.getMessage());
    }

    @Test
    void badParamsGiveClearMessages() {
        Sequential uncompiled = new Sequential(Input.of(FEATURES), new Dense(CLASSES, "softmax"));
        IllegalArgumentException notCompiled = assertThrows(IllegalArgumentException.class,
                () -> new KerasEstimator(uncompiled));
        assertTrue(notCompiled.getMessage().contains("compiled model") && notCompiled.getMessage().contains("compile("),
                notCompiled.getMessage());

        IllegalStateException noModel = assertThrows(IllegalStateException.class,
                () -> new KerasEstimator().fit(df));
        assertTrue(noModel.getMessage().contains("has no model"), noModel.getMessage());

        KerasEstimator keras = new KerasEstimator(classifier()).setFeaturesCol("pixels");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(), keras});
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> pipeline.fit(df));
        assertTrue(missing.getMessage().contains("\"pixels\" (featuresCol)")
                && missing.getMessage().contains("features"), missing.getMessage());

        Dataset<Row> assembled = assembler().transform(df);
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> new KerasEstimator(classifier()).setLabelCol("y").fit(assembled));
        assertTrue(label.getMessage().contains("\"y\" (labelCol)"), label.getMessage());
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
                () -> new KerasEstimator(classifier()).setWeightCol("w").transformSchema(assembled.schema()));
        assertTrue(weight.getMessage().contains("\"w\" (weightCol)"), weight.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> new KerasEstimator(classifier()).fit(assembled.withColumn("features", functions.lit("x"))));
        assertTrue(type.getMessage().contains("type string"), type.getMessage());
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> new KerasEstimator(classifier()).setPredictionCol("label").transformSchema(assembled.schema()));
        assertTrue(taken.getMessage().contains("already has a column \"label\""), taken.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KerasEstimator().setEpochs(0));
        assertThrows(IllegalArgumentException.class, () -> new KerasEstimator().setValidationSplit(1.0));
        assertFalse(new KerasEstimator().hasModel());

        // Defaults, and the prediction type: a double for one value per sample.
        KerasEstimator defaults = new KerasEstimator();
        assertEquals("features", defaults.getFeaturesCol());
        assertEquals("label", defaults.getLabelCol());
        assertEquals("prediction", defaults.getPredictionCol());
        assertNull(defaults.getWeightCol());
        assertEquals(1, defaults.getEpochs());
        assertEquals(32, defaults.getBatchSize());
        assertEquals(0.0, defaults.getValidationSplit());
        assertEquals(0, defaults.getVerbose());
        Seeds.setRandomSeed(1);
        Sequential regressor = new Sequential(Input.of(FEATURES), new Dense(1));
        regressor.compile(Compile.optimizer("sgd").loss("mse"));
        StructType schema = new KerasEstimator(regressor).transformSchema(assembled.schema());
        assertEquals(DataTypes.DoubleType, schema.apply("prediction").dataType());
    }
}
