package org.sparkeras.spark.ml;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkeras.models.Model;
import org.sparkeras.saving.FileStore;
import org.sparkeras.spark.Columns;
import org.sparkeras.spark.SparkTrainer;

/**
 * A trained Sparkeras model as a Spark ML {@link org.apache.spark.ml.Model}: {@link #transform}
 * appends the prediction column(s), computed on the executors by {@link SparkTrainer#predict}.
 * Given by {@link KerasEstimator#fit}, or wrapping a trained model with
 * {@link #KerasModel(Model)}.
 *
 * <p>{@link #model()} is the live Sparkeras model behind {@code transform} and {@code write}
 * (built once from the archive, lazily). Saved with Spark ML's writers: {@code metadata/} holds
 * the params, {@code data/model.zip} the model archive and {@code data/history.json} the training
 * history; {@link #load} and {@code PipelineModel.load} restore it.
 */
public final class KerasModel extends org.apache.spark.ml.Model<KerasModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String DATA_HISTORY = "data/history.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final KerasEstimator.ColumnsParam columns;
    private final IntParam batchSize;

    private final byte[] archive;
    private final Map<String, List<Double>> history;
    private transient Model model;

    /** A model with the given uid and archive (the estimator's and the reader's). */
    KerasModel(String uid, byte[] archive, Map<String, List<Double>> history, Model built) {
        this.uid = Objects.requireNonNull(uid, "uid");
        this.archive = Objects.requireNonNull(archive, "archive");
        Map<String, List<Double>> h = new LinkedHashMap<>();
        if (history != null) {
            history.forEach((k, v) -> h.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
        }
        this.history = Collections.unmodifiableMap(h);
        this.model = built;
        featuresCol = new Param<>(this, "featuresCol", "features column (single-input models; ignored with columns)");
        predictionCol = new Param<>(this, "predictionCol",
                "prediction column; with several outputs, <output>_<predictionCol> per output");
        columns = new KerasEstimator.ColumnsParam(this, "columns",
                "mapping of DataFrame columns to the model's inputs by name (multi-input models)");
        batchSize = new IntParam(this, "batchSize", "batch size of the predictions (>= 1)", ParamValidators.gtEq(1));
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(batchSize, (Object) 32);
    }

    /**
     * A transformer of an already trained model (copied now). It must be compiled with settings
     * known by name, as {@link SparkTrainer#predict} ships it to executors as an archive.
     */
    public KerasModel(Model trainedModel) {
        this(Identifiable.randomUID("KerasModel"), KerasEstimator.archiveOf(trainedModel, "KerasModel"), null, null);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The Sparkeras model (built from the archive on first use; the live model behind transform and write). */
    public synchronized Model model() {
        if (model == null) {
            model = KerasEstimator.build(archive, "KerasModel " + uid);
        }
        return model;
    }

    /** The training history: per metric (loss, metrics, val_*), one value per epoch; empty when not trained here. */
    public Map<String, List<Double>> history() {
        return history;
    }

    /** The last epoch's value of every metric of {@link #history()}. */
    public Map<String, Double> finalMetrics() {
        Map<String, Double> last = new LinkedHashMap<>();
        history.forEach((k, v) -> {
            if (!v.isEmpty()) {
                last.put(k, v.get(v.size() - 1));
            }
        });
        return Collections.unmodifiableMap(last);
    }

    // ---------------------------------------------------------------- params

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public KerasEstimator.ColumnsParam columns() {
        return columns;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    /** The column mapping, or null when featuresCol is used. */
    public Columns getColumns() {
        return isDefined(columns) ? getOrDefault(columns) : null;
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    public KerasModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public KerasModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /** Maps columns to the model's inputs by name (outputs and sample weight, if mapped, are ignored); null clears it. */
    public KerasModel setColumns(Columns value) {
        if (value == null) {
            clear(columns);
        } else {
            set(columns, value);
        }
        return this;
    }

    public KerasModel setBatchSize(int value) {
        set(batchSize, (Object) value);
        return this;
    }

    // ---------------------------------------------------------------- Transformer

    /** {@code dataset} with the prediction column(s) appended, computed on the executors. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Model m = model();
        KerasEstimator.Mapping mapping = KerasEstimator.mapping(m, getColumns(), getFeaturesCol(), null, null, false,
                "KerasModel");
        return new SparkTrainer(dataset.sparkSession()).predict(m, dataset.toDF(), mapping.columns(), getBatchSize(),
                KerasEstimator.predictionColumns(m, getPredictionCol()));
    }

    /** Checks that the mapped feature columns exist with usable types; appends the prediction column(s). */
    @Override
    public StructType transformSchema(StructType schema) {
        Model m = model();
        KerasEstimator.Mapping mapping = KerasEstimator.mapping(m, getColumns(), getFeaturesCol(), null, null, false,
                "KerasModel");
        mapping.check(schema, "KerasModel");
        return KerasEstimator.appendPredictions(schema, m, KerasEstimator.predictionColumns(m, getPredictionCol()),
                "KerasModel");
    }

    /** A copy sharing the archive (the Sparkeras model is rebuilt from it on first use), with {@code extra} params. */
    @Override
    public KerasModel copy(ParamMap extra) {
        KerasModel copy = new KerasModel(uid, currentArchive(), history, null);
        copyValues(copy, extra);
        return copy.setParent(parent());
    }

    /** The archive of the live model when it has been built (it may have been trained further), else the stored one. */
    private synchronized byte[] currentArchive() {
        return model == null ? archive : KerasEstimator.archiveOf(model, "KerasModel");
    }

    // ---------------------------------------------------------------- persistence

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Spark ML's reader (found by reflection when a saved {@code PipelineModel} is loaded). */
    public static MLReader<KerasModel> read() {
        return new Reader();
    }

    public static KerasModel load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final KerasModel instance;

        Writer(KerasModel instance) {
            this.instance = instance;
        }

        // The SparkContext overloads exist on Spark 3.5 and 4.x (deprecated there for SparkSession ones).
        @SuppressWarnings("deprecation")
        @Override
        public void saveImpl(String path) {
            byte[] bytes = instance.currentArchive();
            byte[] history;
            try {
                history = JSON.writeValueAsBytes(instance.history);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            DefaultParamsWriter.saveMetadata(instance, path, sc(), scala.Option.empty(), scala.Option.empty());
            KerasEstimator.writeFile(path, KerasEstimator.DATA_MODEL, bytes, sc().hadoopConfiguration());
            KerasEstimator.writeFile(path, DATA_HISTORY, history, sc().hadoopConfiguration());
        }
    }

    private static final class Reader extends MLReader<KerasModel> {
        @SuppressWarnings("deprecation")
        @Override
        public KerasModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                    KerasModel.class.getName());
            org.apache.hadoop.conf.Configuration conf = sc().hadoopConfiguration();
            byte[] bytes = KerasEstimator.readFile(path, KerasEstimator.DATA_MODEL, conf);
            // Built now, so a damaged archive fails the load, naming its path, not a later transform.
            Model built = KerasEstimator.build(bytes, KerasEstimator.dataPath(path, KerasEstimator.DATA_MODEL));
            Map<String, List<Double>> history = Map.of();
            try {
                if (FileStore.exists(KerasEstimator.dataPath(path, DATA_HISTORY), conf)) {
                    history = JSON.readValue(KerasEstimator.readFile(path, DATA_HISTORY, conf),
                            new TypeReference<LinkedHashMap<String, List<Double>>>() {});
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            KerasModel model = new KerasModel(metadata.uid(), bytes, history, built);
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
