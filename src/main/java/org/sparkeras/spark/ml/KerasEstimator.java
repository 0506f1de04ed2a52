package org.sparkeras.spark.ml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import org.sparkeras.callbacks.History;
import org.sparkeras.models.Model;
import org.sparkeras.saving.FileStore;
import org.sparkeras.saving.ModelArchive;
import org.sparkeras.spark.Columns;
import org.sparkeras.spark.SparkTrainer;
import org.sparkeras.training.Fit;
import scala.Option;

/**
 * A Spark ML {@link Estimator} that trains a compiled Sparkeras model data-parallel with
 * {@link SparkTrainer} and gives a {@link KerasModel}.
 *
 * <p>The model is held as its archive ({@link ModelArchive#toBytes}: architecture, weights,
 * compile settings, optimizer state); every {@link #fit} trains a fresh copy built from it, so the
 * estimator is reusable and two fits give independent models (equal ones with the same seed). A
 * single-input, single-output model reads {@link #featuresCol()} (a vector, an array or a numeric
 * column) and {@link #labelCol()}; other models take a {@link Columns} mapping through
 * {@link #setColumns}, which then replaces featuresCol and labelCol. The fitted model appends
 * {@link #predictionCol()} (a double when the output has one value per sample, a Spark ML vector
 * otherwise); with several outputs, one column {@code <output>_<predictionCol>} per output.
 *
 * <pre>{@code
 * KerasEstimator keras = new KerasEstimator(model)   // compiled: optimizer, loss, metrics
 *         .setFeaturesCol("features").setLabelCol("label")
 *         .setEpochs(10).setBatchSize(64).setSeed(7);
 * PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assembler, keras}).fit(train);
 * }</pre>
 *
 * <p>Saved with Spark ML's writers ({@code write().save(path)}, or as a stage of a saved
 * {@code Pipeline}): {@code metadata/} holds the params, {@code data/model.zip} the untrained model.
 */
public final class KerasEstimator extends Estimator<KerasModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String DATA_MODEL = "data/model.zip";

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> weightCol;
    private final Param<String> predictionCol;
    private final ColumnsParam columns;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final IntParam averagingFrequency;
    private final LongParam seed;
    private final DoubleParam validationSplit;
    private final IntParam verbose;

    /** The compiled, untrained model's archive; null until a model is given. */
    private byte[] archive;
    /** A model built from {@link #archive}, only read (names and shapes for schemas), never trained. */
    private transient Model shapes;

    /** An estimator without a model yet (give one with {@link #setModel}). */
    public KerasEstimator() {
        this(Identifiable.randomUID("KerasEstimator"));
    }

    /** An estimator with the given uid (used by {@code copy} and the reader). */
    public KerasEstimator(String uid) {
        this.uid = Objects.requireNonNull(uid, "uid");
        featuresCol = new Param<>(this, "featuresCol", "features column (single-input models; ignored with columns)");
        labelCol = new Param<>(this, "labelCol", "label column (single-output models; ignored with columns)");
        weightCol = new Param<>(this, "weightCol", "sample-weight column (optional)");
        predictionCol = new Param<>(this, "predictionCol",
                "prediction column; with several outputs, <output>_<predictionCol> per output");
        columns = new ColumnsParam(this, "columns",
                "mapping of DataFrame columns to the model's inputs and outputs by name (multi-input/output models)");
        epochs = new IntParam(this, "epochs", "number of epochs (>= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "batch size per worker (>= 1)", ParamValidators.gtEq(1));
        averagingFrequency = new IntParam(this, "averagingFrequency",
                "local steps each partition trains between two parameter averagings (>= 1)", ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "random seed of the batch order and dropout");
        validationSplit = new DoubleParam(this, "validationSplit",
                "fraction of the rows (the last ones) held out for validation, in [0, 1)",
                ParamValidators.inRange(0, 1, true, false));
        verbose = new IntParam(this, "verbose", "0 = silent, 1 = progress bar, 2 = one line per epoch",
                ParamValidators.inRange(0, 2));
        // Boxed to the param's own type: a LongParam holding an Integer fails only when read.
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(epochs, (Object) 1);
        setDefault(batchSize, (Object) 32);
        setDefault(averagingFrequency, (Object) SparkTrainer.DEFAULT_AVERAGING_FREQUENCY);
        setDefault(seed, (Object) (long) KerasEstimator.class.getName().hashCode());
        setDefault(validationSplit, (Object) 0.0);
        setDefault(verbose, (Object) 0);
    }

    /** An estimator of {@code compiledModel} (copied: later changes to it do not reach the estimator). */
    public KerasEstimator(Model compiledModel) {
        this();
        setModel(compiledModel);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---------------------------------------------------------------- the model

    /**
     * The model to train, copied as its archive now. It must be compiled, with an optimizer, losses
     * and metrics known by name (they are the training settings).
     */
    public KerasEstimator setModel(Model compiledModel) {
        this.archive = archiveOf(compiledModel, "KerasEstimator");
        this.shapes = null;
        return this;
    }

    /** A new copy of the (untrained) model, built from the archive. */
    public Model getModel() {
        return build(requireArchive(), "KerasEstimator " + uid);
    }

    /** Whether a model has been given. */
    public boolean hasModel() {
        return archive != null;
    }

    /** A copy of the model archive the estimator holds (null without a model). */
    public byte[] getModelArchive() {
        return archive == null ? null : archive.clone();
    }

    // ---------------------------------------------------------------- params

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> weightCol() {
        return weightCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public ColumnsParam columns() {
        return columns;
    }

    public IntParam epochs() {
        return epochs;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam averagingFrequency() {
        return averagingFrequency;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam validationSplit() {
        return validationSplit;
    }

    public IntParam verbose() {
        return verbose;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    /** The sample-weight column, or null when none is set. */
    public String getWeightCol() {
        return isDefined(weightCol) ? getOrDefault(weightCol) : null;
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    /** The column mapping, or null when featuresCol and labelCol are used. */
    public Columns getColumns() {
        return isDefined(columns) ? getOrDefault(columns) : null;
    }

    public int getEpochs() {
        return (Integer) getOrDefault(epochs);
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    public int getAveragingFrequency() {
        return (Integer) getOrDefault(averagingFrequency);
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    public double getValidationSplit() {
        return (Double) getOrDefault(validationSplit);
    }

    public int getVerbose() {
        return (Integer) getOrDefault(verbose);
    }

    public KerasEstimator setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public KerasEstimator setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    /** The sample-weight column; null clears it. */
    public KerasEstimator setWeightCol(String value) {
        if (value == null) {
            clear(weightCol);
        } else {
            set(weightCol, value);
        }
        return this;
    }

    public KerasEstimator setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /** Maps columns to the model's inputs and outputs by name (replaces featuresCol and labelCol); null clears it. */
    public KerasEstimator setColumns(Columns value) {
        if (value == null) {
            clear(columns);
        } else {
            set(columns, value);
        }
        return this;
    }

    public KerasEstimator setEpochs(int value) {
        set(epochs, (Object) value);
        return this;
    }

    public KerasEstimator setBatchSize(int value) {
        set(batchSize, (Object) value);
        return this;
    }

    public KerasEstimator setAveragingFrequency(int value) {
        set(averagingFrequency, (Object) value);
        return this;
    }

    public KerasEstimator setSeed(long value) {
        set(seed, (Object) value);
        return this;
    }

    public KerasEstimator setValidationSplit(double value) {
        set(validationSplit, (Object) value);
        return this;
    }

    public KerasEstimator setVerbose(int value) {
        set(verbose, (Object) value);
        return this;
    }

    // ---------------------------------------------------------------- Estimator

    /**
     * Trains a fresh copy of the model on {@code dataset} with a {@link SparkTrainer} on the
     * dataset's session; the result holds the trained model and its training history.
     */
    @Override
    public KerasModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Model model = build(requireArchive(), "KerasEstimator " + uid);
        Mapping mapping = mapping(model, getColumns(), getFeaturesCol(), getLabelCol(), getWeightCol(), true,
                "KerasEstimator");
        SparkTrainer trainer = new SparkTrainer(dataset.sparkSession()).averagingFrequency(getAveragingFrequency());
        Fit options = Fit.epochs(getEpochs()).batchSize(getBatchSize()).seed(getSeed()).verbose(getVerbose());
        if (getValidationSplit() > 0) {
            options.validationSplit(getValidationSplit());
        }
        History history = trainer.fit(model, dataset.toDF(), mapping.columns(), options);
        KerasModel fitted = new KerasModel(uid, archiveOf(model, "KerasEstimator"), history.history(), model);
        copyValues(fitted, new ParamMap());
        return fitted.setParent(this);
    }

    /**
     * Checks that the mapped feature, label and weight columns exist with usable types and returns
     * the schema with the prediction column(s) appended.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        Model model = shapes();
        Mapping mapping = mapping(model, getColumns(), getFeaturesCol(), getLabelCol(), getWeightCol(), true,
                "KerasEstimator");
        mapping.check(schema, "KerasEstimator");
        return appendPredictions(schema, model, predictionColumns(model, getPredictionCol()), "KerasEstimator");
    }

    @Override
    public KerasEstimator copy(ParamMap extra) {
        KerasEstimator copy = defaultCopy(extra);
        copy.archive = archive;
        copy.shapes = shapes;
        return copy;
    }

    // ---------------------------------------------------------------- persistence

    /** Spark ML's writer: the params in {@code metadata/}, the model archive in {@code data/model.zip}. */
    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Spark ML's reader (found by reflection when a saved {@code Pipeline} is loaded). */
    public static MLReader<KerasEstimator> read() {
        return new Reader();
    }

    public static KerasEstimator load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final KerasEstimator instance;

        Writer(KerasEstimator instance) {
            this.instance = instance;
        }

        // Protected in Scala is public in the bytecode: the override must be public.
        // The SparkContext overloads exist on Spark 3.5 and 4.x (deprecated there for SparkSession ones).
        @SuppressWarnings("deprecation")
        @Override
        public void saveImpl(String path) {
            byte[] bytes = instance.requireArchive();
            DefaultParamsWriter.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
            writeFile(path, DATA_MODEL, bytes, sc().hadoopConfiguration());
        }
    }

    private static final class Reader extends MLReader<KerasEstimator> {
        @SuppressWarnings("deprecation")
        @Override
        public KerasEstimator load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                    KerasEstimator.class.getName());
            KerasEstimator estimator = new KerasEstimator(metadata.uid());
            metadata.getAndSetParams(estimator, Option.empty());
            byte[] bytes = readFile(path, DATA_MODEL, sc().hadoopConfiguration());
            estimator.shapes = build(bytes, dataPath(path, DATA_MODEL));
            estimator.archive = bytes;
            return estimator;
        }
    }

    // ---------------------------------------------------------------- shared with KerasModel

    private byte[] requireArchive() {
        if (archive == null) {
            throw new IllegalStateException("KerasEstimator " + uid + " has no model: pass a compiled model to "
                    + "new KerasEstimator(model) or setModel(model)");
        }
        return archive;
    }

    private Model shapes() {
        if (shapes == null) {
            shapes = build(requireArchive(), "KerasEstimator " + uid);
        }
        return shapes;
    }

    /** The archive of a compiled model whose compile settings are known by name; clear messages otherwise. */
    static byte[] archiveOf(Model model, String stage) {
        Objects.requireNonNull(model, "model");
        if (!model.isCompiled()) {
            throw new IllegalArgumentException(stage + " needs a compiled model: call compile(...) on model \""
                    + model.name() + "\" first (its optimizer, loss and metrics are the training settings)");
        }
        if (!ModelArchive.hasCompileConfig(model)) {
            throw new IllegalArgumentException(stage + ": model \"" + model.name() + "\" is compiled with objects the "
                    + "archive cannot name; compile it with a registered optimizer, losses and metrics given by name");
        }
        try {
            return ModelArchive.toBytes(model, null);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(stage + ": model \"" + model.name() + "\" cannot be written as a model "
                    + "archive: " + e.getMessage(), e);
        }
    }

    static Model build(byte[] archive, String source) {
        try {
            return ModelArchive.fromBytes(archive, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String dataPath(String path, String file) {
        return new org.apache.hadoop.fs.Path(path, file).toString();
    }

    static void writeFile(String path, String file, byte[] bytes, org.apache.hadoop.conf.Configuration conf) {
        try {
            // MLWriter.save has already refused or cleared an existing stage directory.
            FileStore.write(dataPath(path, file), bytes, false, conf);
        } catch (IOException e) {
            // saveImpl cannot declare IOException (Scala has no checked exceptions).
            throw new UncheckedIOException(e);
        }
    }

    static byte[] readFile(String path, String file, org.apache.hadoop.conf.Configuration conf) {
        try {
            return FileStore.read(dataPath(path, file), ModelArchive.MAX_ARCHIVE_BYTES, conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The effective column mapping of a stage and, for messages, the role of every column. */
    record Mapping(Columns columns, List<Map.Entry<String, String>> roles) {
        /** Every mapped column exists and has a type a model can read. */
        void check(StructType schema, String stage) {
            List<String> names = Arrays.asList(schema.fieldNames());
            for (Map.Entry<String, String> e : roles) {
                String column = e.getKey(), role = e.getValue();
                if (!names.contains(column)) {
                    throw new IllegalArgumentException(stage + ": column \"" + column + "\" (" + role
                            + ") is not in the DataFrame; its columns are " + names);
                }
                DataType t = schema.apply(column).dataType();
                boolean ok = role.equals("weightCol") ? t instanceof NumericType : readable(t);
                if (!ok) {
                    throw new IllegalArgumentException(stage + ": column \"" + column + "\" (" + role + ") has type "
                            + t.simpleString() + "; expected " + (role.equals("weightCol") ? "a numeric column"
                                    : "a numeric column, an array of numbers or a Spark ML vector"));
                }
            }
        }

        private static boolean readable(DataType t) {
            if (t instanceof NumericType) {
                return true;
            }
            if (t instanceof ArrayType a) {
                return a.elementType() instanceof NumericType;
            }
            return t instanceof UserDefinedType<?> u && (org.apache.spark.ml.linalg.Vector.class.isAssignableFrom(
                    u.userClass()) || org.apache.spark.mllib.linalg.Vector.class.isAssignableFrom(u.userClass()));
        }
    }

    /**
     * The columns {@code model} reads: from {@code given} when set (resolved against the model's
     * input and output names), else {@code features} (and {@code label}) for a single-input
     * (single-output) model; with {@code targets}, the outputs and the sample weight too.
     */
    static Mapping mapping(Model model, Columns given, String features, String label, String weight, boolean targets,
            String stage) {
        List<Map.Entry<String, String>> roles = new ArrayList<>();
        Columns out;
        List<String> inputs = model.inputNames(), outputs = model.outputNames();
        if (given == null) {
            if (inputs.size() != 1 || (targets && outputs.size() != 1)) {
                throw new IllegalArgumentException(stage + ": model \"" + model.name() + "\" has " + inputs.size()
                        + " input(s) " + inputs + " and " + outputs.size() + " output(s) " + outputs + "; featuresCol"
                        + (targets ? " and labelCol map a single-input, single-output" : " maps a single-input")
                        + " model: set a Columns mapping with setColumns(Columns.of().input(name, columns...)"
                        + (targets ? ".output(name, columns...)" : "") + ")");
            }
            out = targets ? Columns.single(features, label) : Columns.features(features);
            roles.add(new AbstractMap.SimpleImmutableEntry<>(features, "featuresCol"));
            if (targets) {
                roles.add(new AbstractMap.SimpleImmutableEntry<>(label, "labelCol"));
            }
        } else {
            out = Columns.of();
            List<List<String>> in = given.inputsOf(model);
            for (int i = 0; i < inputs.size(); i++) {
                out.input(inputs.get(i), in.get(i).toArray(new String[0]));
                for (String c : in.get(i)) {
                    roles.add(new AbstractMap.SimpleImmutableEntry<>(c, "input \"" + inputs.get(i) + "\""));
                }
            }
            if (targets) {
                if (!given.hasOutputs()) {
                    throw new IllegalArgumentException(stage + ": the Columns mapping maps no output; training needs the "
                            + "target column(s) of every output " + outputs + " (Columns.output(name, columns...))");
                }
                List<List<String>> o = given.outputsOf(model);
                for (int i = 0; i < outputs.size(); i++) {
                    out.output(outputs.get(i), o.get(i).toArray(new String[0]));
                    for (String c : o.get(i)) {
                        roles.add(new AbstractMap.SimpleImmutableEntry<>(c, "output \"" + outputs.get(i) + "\""));
                    }
                }
            }
        }
        if (targets) {
            String mapped = given == null ? null : given.sampleWeight();
            if (weight != null && mapped != null && !weight.equals(mapped)) {
                throw new IllegalArgumentException(stage + ": weightCol \"" + weight + "\" and the Columns mapping's "
                        + "sample weight \"" + mapped + "\" differ; set one of them");
            }
            String w = weight != null ? weight : mapped;
            if (w != null) {
                out.sampleWeight(w);
                roles.add(new AbstractMap.SimpleImmutableEntry<>(w, "weightCol"));
            }
        }
        return new Mapping(out, roles);
    }

    /** The prediction column names: {@code predictionCol}, or {@code <output>_<predictionCol>} per output. */
    static List<String> predictionColumns(Model model, String predictionCol) {
        List<String> outputs = model.outputNames();
        return outputs.size() == 1 ? List.of(predictionCol) : outputs.stream().map(o -> o + "_" + predictionCol).toList();
    }

    /** {@code schema} with the prediction columns: a double for one value per sample, a vector otherwise. */
    static StructType appendPredictions(StructType schema, Model model, List<String> names, String stage) {
        List<long[]> shapes = model.outputShapes();
        List<String> existing = Arrays.asList(schema.fieldNames());
        StructType out = schema;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (existing.contains(name)) {
                throw new IllegalArgumentException(stage + ": the DataFrame already has a column \"" + name
                        + "\"; set another predictionCol");
            }
            long width = 1;
            for (long d : shapes.get(i)) {
                width *= d;
            }
            out = out.add(name, width == 1 ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false);
        }
        return out;
    }

    // ---------------------------------------------------------------- the Columns param

    /**
     * A {@link Param} holding a {@link Columns} mapping. Spark ML saves params as JSON; a mapping is
     * written as a JSON string holding its Java serialization (Base64), which is what Columns
     * promises ({@code Serializable}) and what copies it exactly.
     */
    public static final class ColumnsParam extends Param<Columns> {
        private static final long serialVersionUID = 1L;
        /** Saved metadata is data: deserialize a Columns mapping and the JDK collections and strings it holds, nothing else. */
        private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
                "maxdepth=8;maxrefs=100000;maxbytes=16777216;" + Columns.class.getName() + ";java.util.*;java.lang.*;!*");

        public ColumnsParam(Identifiable parent, String name, String doc) {
            super(parent, name, doc);
        }

        @Override
        public String jsonEncode(Columns value) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return "\"" + Base64.getEncoder().encodeToString(bytes.toByteArray()) + "\"";
        }

        @Override
        public Columns jsonDecode(String json) {
            String s = json.trim();
            if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
                throw new IllegalArgumentException("Param " + name() + ": expected a JSON string, received " + json);
            }
            byte[] bytes = Base64.getDecoder().decode(s.substring(1, s.length() - 1));
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                in.setObjectInputFilter(FILTER);
                return (Columns) in.readObject();
            } catch (IOException | ClassNotFoundException | ClassCastException e) {
                throw new IllegalArgumentException("Param " + name() + ": the saved Columns mapping cannot be read: " + e,
                        e);
            }
        }
    }
}
