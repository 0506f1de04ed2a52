package org.sparkeras.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.backend.Host;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.Callback;
import org.sparkeras.callbacks.History;
import org.sparkeras.callbacks.ProgbarLogger;
import org.sparkeras.data.ArrayDataset;
import org.sparkeras.data.Dataset;
import org.sparkeras.models.Model;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.saving.ModelArchive;
import org.sparkeras.training.Fit;
import org.sparkeras.training.LocalTrainer;
import org.sparkeras.training.Trainer;
import scala.Tuple2;

/**
 * Trains, evaluates and predicts data-parallel on Spark with parameter averaging.
 *
 * <p>A fit is a loop of rounds on the driver. Each round is one Spark job: the driver broadcasts
 * the flat parameter vector, the optimizer state (unless {@link #averageOptimizerState(boolean)
 * turned off}), the iteration count and the learning rate; every partition trains a pooled
 * replica of the model for {@link #averagingFrequency(int) K} steps with {@code
 * LocalTrainer.trainStep}, on batches {@code [round*K, round*K+K)} of its epoch order, which is
 * drawn from (seed, epoch, partition); the results come back and are summed in double precision in
 * partition-index order, weighted by the samples each partition trained on, checked for non-finite
 * values, averaged, and written into the driver's model. Then the callbacks run, with a round in
 * the place of a batch. Partitions that have run out of batches in an epoch contribute nothing.
 *
 * <pre>{@code
 * SparkTrainer trainer = new SparkTrainer(spark).averagingFrequency(64);
 * History h = trainer.fit(model, df, Columns.single("features", "label"), Fit.epochs(10).batchSize(128));
 * Map<String, Double> test = trainer.evaluate(model, testDf, Columns.single("features", "label"), 128);
 * Dataset<Row> scored = trainer.predict(model, testDf, Columns.features("features"), 128);
 * // or, with in-memory arrays: model.setTrainer(trainer); model.fit(x, y, Fit.epochs(10));
 * }</pre>
 *
 * <p>Reproducible: with a seed, a fit gives the same parameters whatever the task scheduling,
 * retries or executor losses; with one partition it gives exactly the parameters of a local fit
 * (for models without dropout; dropout masks are drawn per round).
 */
public final class SparkTrainer implements Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);
    /** The default averaging frequency (local steps per round); see the README for the measurement. */
    public static final int DEFAULT_AVERAGING_FREQUENCY = 256;
    static final String REGISTRATOR = SparkerasKryoRegistrator.class.getName();

    private final JavaSparkContext sc;
    private int averagingFrequency = DEFAULT_AVERAGING_FREQUENCY;
    private boolean averageOptimizerState = true;
    private int aggregationDepth = 1;
    private SparkDataset.Options dataOptions = SparkDataset.Options.defaults();
    private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.STOP;
    private SerializableRunnable customObjects;
    private Integer threadsPerTask;
    private final List<RoundStats> stats = Collections.synchronizedList(new ArrayList<>());
    private final LocalTrainer local = new LocalTrainer();

    /** Timings of one round: broadcast, the Spark job, the driver's averaging, and the slowest worker's compute. */
    public record RoundStats(int epoch, int round, double broadcastMs, double jobMs, double aggregateMs,
            double maxWorkerComputeMs, long samples, int workers) {
        /** Time the round cost beyond its slowest worker's compute: broadcast + scheduling + transfer + averaging. */
        public double overheadMs() {
            return broadcastMs + Math.max(0, jobMs - maxWorkerComputeMs) + aggregateMs;
        }
    }

    public SparkTrainer(SparkSession spark) {
        this(JavaSparkContext.fromSparkContext(spark.sparkContext()));
    }

    public SparkTrainer(JavaSparkContext sc) {
        this.sc = sc;
        checkKryo(sc.getConf());
        if (!sc.getConf().contains("spark.executorEnv.OMP_WAIT_POLICY") && !sc.isLocal()) {
            LOG.warn("spark.executorEnv.OMP_WAIT_POLICY is not set: ND4J's OpenMP threads may spin on executors; use "
                    + "SparkTrainer.configure(conf) or --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE");
        }
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Settings a Spark application needs for Sparkeras, added to {@code conf} where absent: Kryo
     * with the project's registrator, {@code OMP_WAIT_POLICY=PASSIVE} and one native thread per
     * task core on executors.
     */
    public static SparkConf configure(SparkConf conf) {
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        String regs = conf.get("spark.kryo.registrator", "");
        if (!Arrays.asList(regs.split(",")).stream().map(String::trim).toList().contains(REGISTRATOR)) {
            conf.set("spark.kryo.registrator", regs.isBlank() ? REGISTRATOR : regs + "," + REGISTRATOR);
        }
        String cpus = conf.get("spark.task.cpus", "1");
        conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", cpus);
        conf.setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", cpus);
        // Each round ships parameters out and results (a few MB of floats per partition) back:
        // results go straight back with the task status instead of through a block fetch, and
        // float vectors barely compress, so broadcasts are not compressed.
        conf.setIfMissing("spark.task.maxDirectResultSize", "64m");
        conf.setIfMissing("spark.broadcast.compress", "false");
        return conf;
    }

    /** Case 22 of RELIABILITY.md: Kryo without the registrator fails at once, saying what to add. */
    static void checkKryo(SparkConf conf) {
        String serializer = conf.get("spark.serializer", "");
        if (!serializer.contains("KryoSerializer")) {
            return;
        }
        String regs = conf.get("spark.kryo.registrator", "");
        boolean ours = Arrays.stream(regs.split(",")).map(String::trim).anyMatch(REGISTRATOR::equals);
        if (!ours) {
            throw new IllegalStateException("Kryo is enabled (spark.serializer=" + serializer + ") but spark.kryo.registrator "
                    + (regs.isBlank() ? "is not set" : "is \"" + regs + "\"") + ": Sparkeras needs its registrator. Add --conf "
                    + "spark.kryo.registrator=" + (regs.isBlank() ? REGISTRATOR : regs + "," + REGISTRATOR)
                    + " (or build the SparkConf with SparkTrainer.configure(conf))");
        }
    }

    /** Local steps each partition trains between two averagings (default {@value #DEFAULT_AVERAGING_FREQUENCY}). */
    public SparkTrainer averagingFrequency(int steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("averaging frequency must be >= 1 step, received " + steps);
        }
        this.averagingFrequency = steps;
        return this;
    }

    /** Whether the optimizer state is averaged and shipped with the parameters (default true); false restarts it each round. */
    public SparkTrainer averageOptimizerState(boolean average) {
        this.averageOptimizerState = average;
        return this;
    }

    /**
     * 1 (default): the driver sums the partitions' results; 2 or more: executors first sum groups
     * of about sqrt(N)-wide consecutive partitions (in order), the driver sums the groups.
     */
    public SparkTrainer aggregationDepth(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("aggregation depth must be >= 1, received " + depth);
        }
        this.aggregationDepth = depth;
        return this;
    }

    /** How DataFrames and arrays are laid out: partitions, rebalancing, storage level, streaming. */
    public SparkTrainer dataOptions(SparkDataset.Options options) {
        this.dataOptions = java.util.Objects.requireNonNull(options, "options");
        return this;
    }

    public SparkDataset.Options dataOptions() {
        return dataOptions;
    }

    /** What to do with a worker's non-finite loss or parameters (default {@link NonFinitePolicy#STOP}). */
    public SparkTrainer onNonFinite(NonFinitePolicy policy) {
        this.nonFinitePolicy = java.util.Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Runs once per executor JVM before replicas are built: register custom layers, losses... there. */
    public SparkTrainer customObjects(SerializableRunnable registrations) {
        this.customObjects = registrations;
        return this;
    }

    /** Native threads per task (default: spark.task.cpus, usually 1). */
    public SparkTrainer threadsPerTask(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads per task must be >= 1, received " + threads);
        }
        this.threadsPerTask = threads;
        return this;
    }

    public int averagingFrequency() {
        return averagingFrequency;
    }

    /** The timings of every round run by this trainer so far. */
    public List<RoundStats> roundStats() {
        synchronized (stats) {
            return List.copyOf(stats);
        }
    }

    public JavaSparkContext sparkContext() {
        return sc;
    }

    // ---------------------------------------------------------------- Trainer (in-memory arrays)

    /**
     * Trains on in-memory arrays ({@code model.fit(x, y, ...)} with this trainer set): they are cut
     * into contiguous partitions and distributed; validation data is evaluated on the cluster too.
     */
    @Override
    public History fit(Model model, Dataset train, Dataset validation, Fit options) {
        if (!(train instanceof ArrayDataset a)) {
            throw new IllegalArgumentException("SparkTrainer trains on in-memory arrays (model.fit(x, y)), a SparkDataset "
                    + "or a DataFrame; received a " + train.getClass().getName());
        }
        SparkDataset t = SparkDataset.fromArrays(sc, a, dataOptions);
        SparkDataset v = null;
        try {
            if (validation != null) {
                if (!(validation instanceof ArrayDataset va)) {
                    throw new IllegalArgumentException("SparkTrainer validates on in-memory arrays or a SparkDataset; "
                            + "received a " + validation.getClass().getName());
                }
                v = SparkDataset.fromArrays(sc, va, dataOptions);
            }
            return fit(model, t, v, options, a.seed(), a.shuffles(), null);
        } finally {
            t.unpersist();
            if (v != null) {
                v.unpersist();
            }
        }
    }

    /** Evaluates in-memory arrays on the cluster. */
    @Override
    public Map<String, Double> evaluate(Model model, Dataset data) {
        if (!(data instanceof ArrayDataset a)) {
            throw new IllegalArgumentException("SparkTrainer evaluates in-memory arrays, a SparkDataset or a DataFrame; "
                    + "received a " + data.getClass().getName());
        }
        SparkDataset d = SparkDataset.fromArrays(sc, a, dataOptions);
        try {
            return evaluate(model, d, a.batchSize());
        } finally {
            d.unpersist();
        }
    }

    /** Predictions for in-memory arrays are computed on the driver (the arrays are there already). */
    @Override
    public List<INDArray> predict(Model model, List<INDArray> x, int batchSize) {
        return local.predict(model, x, batchSize);
    }

    // ---------------------------------------------------------------- DataFrames

    /** Trains on {@code df} (validation_split, class_weight and the other options of {@code Fit} apply). */
    public History fit(Model model, org.apache.spark.sql.Dataset<Row> df, Columns columns, Fit options) {
        return fit(model, df, null, columns, options);
    }

    /** Trains on {@code train}, validating on {@code validation} (may be null) after every epoch. */
    public History fit(Model model, org.apache.spark.sql.Dataset<Row> train, org.apache.spark.sql.Dataset<Row> validation,
            Columns columns, Fit options) {
        model.compiled();
        if (validation != null && options.validationSplit() > 0) {
            throw new IllegalArgumentException("Give validation data or a validation_split, not both");
        }
        SparkDataset[] parts = SparkDataset.fromDataFrame(train, columns, model, dataOptions, options.validationSplit());
        SparkDataset v = parts[1];
        if (validation != null) {
            v = SparkDataset.fromDataFrame(validation, columns, model, dataOptions);
        }
        try {
            return fit(model, parts[0], v, options);
        } finally {
            parts[0].unpersist();
            if (v != null) {
                v.unpersist();
            }
        }
    }

    /** Trains on prepared distributed data. */
    public History fit(Model model, SparkDataset train, SparkDataset validation, Fit options) {
        long seed = options.seed() != null ? options.seed() : Seeds.next();
        return fit(model, train, validation, options, seed, options.shuffle(), options.classWeight());
    }

    /** The loss and metrics over {@code df}, summed exactly over its partitions. */
    public Map<String, Double> evaluate(Model model, org.apache.spark.sql.Dataset<Row> df, Columns columns, int batchSize) {
        model.compiled();
        SparkDataset d = SparkDataset.fromDataFrame(df, columns, model, dataOptions);
        try {
            return evaluate(model, d, batchSize);
        } finally {
            d.unpersist();
        }
    }

    /** The loss and metrics over prepared distributed data. */
    public Map<String, Double> evaluate(Model model, SparkDataset data, int batchSize) {
        model.compiled();
        Plan plan = plan(model, data, batchSize, false, 0L, null, 1);
        try {
            return evaluate(model, data, plan.broadcast);
        } finally {
            plan.broadcast.destroy();
        }
    }

    /**
     * {@code df} with one prediction column per model output appended: "prediction" for a
     * single-output model, "{@code <output>_prediction}" otherwise; a double for one value per
     * sample, a Spark ML vector for more.
     */
    public org.apache.spark.sql.Dataset<Row> predict(Model model, org.apache.spark.sql.Dataset<Row> df, Columns columns,
            int batchSize) {
        List<String> names = new ArrayList<>();
        for (String o : model.outputNames()) {
            names.add(model.outputNames().size() == 1 ? "prediction" : o + "_prediction");
        }
        return predict(model, df, columns, batchSize, names);
    }

    /** As {@link #predict(Model, org.apache.spark.sql.Dataset, Columns, int)} with the given column names. */
    public org.apache.spark.sql.Dataset<Row> predict(Model model, org.apache.spark.sql.Dataset<Row> df, Columns columns,
            int batchSize, List<String> predictionColumns) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be a positive integer, received " + batchSize);
        }
        if (predictionColumns.size() != model.outputNames().size()) {
            throw new IllegalArgumentException("predict needs " + model.outputNames().size() + " prediction column names "
                    + "(one per output " + model.outputNames() + "), received " + predictionColumns);
        }
        StructType schema = df.schema();
        for (String c : predictionColumns) {
            if (Arrays.asList(schema.fieldNames()).contains(c)) {
                throw new IllegalArgumentException("The DataFrame already has a column \"" + c + "\"; pass other prediction "
                        + "column names");
            }
        }
        RowReader reader = SparkDataset.reader(schema, columns, model);
        List<long[]> outShapes = model.outputShapes();
        boolean[] scalar = new boolean[outShapes.size()];
        StructType out = schema;
        for (int i = 0; i < scalar.length; i++) {
            long w = 1;
            for (long d : outShapes.get(i)) {
                w *= d;
            }
            scalar[i] = w == 1;
            out = out.add(predictionColumns.get(i), scalar[i] ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false);
        }
        Plan plan = plan(model, null, batchSize, false, 0L, null, 1);
        Broadcast<RoundState> params = sc.broadcast(parametersOnly(model));
        Broadcast<FitPlan> fp = plan.broadcast;
        int inputs = model.inputNames().size();
        JavaRDD<Row> rows = df.javaRDD().mapPartitionsWithIndex((p, it) -> predictPartition(p, it, fp.value(),
                params.value(), reader, inputs, scalar), true);
        return SparkSession.builder().sparkContext(sc.sc()).getOrCreate().createDataFrame(rows, out);
    }

    private static Iterator<Row> predictPartition(int p, Iterator<Row> it, FitPlan fp, RoundState params,
            RowReader reader, int inputs, boolean[] scalar) {
        int window = 64 * fp.batchSize();
        return new Iterator<>() {
            final List<Row> pending = new ArrayList<>();
            final List<Row> ready = new ArrayList<>();
            int next;
            long index;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) {
                    return true;
                }
                fill();
                return next < ready.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.get(next++);
            }

            private void fill() {
                ready.clear();
                next = 0;
                pending.clear();
                List<Sample> samples = new ArrayList<>();
                while (pending.size() < window && it.hasNext()) {
                    Row r = it.next();
                    pending.add(r);
                    samples.add(reader.read(r, p, index++));
                }
                if (pending.isEmpty()) {
                    return;
                }
                Block b = SparkDataset.pack(samples.iterator(), inputs, 0, false);
                Replicas.Replica rep = Replicas.borrow(fp);
                List<float[][]> outs = new ArrayList<>();
                try {
                    rep.loadParameters(params);
                    for (INDArray o : rep.trainer.predict(rep.model, b.inputArrays(fp.inputShapes()), fp.batchSize())) {
                        outs.add(Tasks.rowsOf(o));
                    }
                } finally {
                    Replicas.release(rep);
                }
                for (int i = 0; i < pending.size(); i++) {
                    Row r = pending.get(i);
                    Object[] values = new Object[r.length() + outs.size()];
                    for (int c = 0; c < r.length(); c++) {
                        values[c] = r.get(c);
                    }
                    for (int k = 0; k < outs.size(); k++) {
                        float[] v = outs.get(k)[i];
                        if (scalar[k]) {
                            values[r.length() + k] = (double) v[0];
                        } else {
                            double[] d = new double[v.length];
                            for (int j = 0; j < d.length; j++) {
                                d[j] = v[j];
                            }
                            values[r.length() + k] = Vectors.dense(d);
                        }
                    }
                    ready.add(RowFactory.create(values));
                }
            }
        };
    }

    // ---------------------------------------------------------------- the fit loop

    private History fit(Model model, SparkDataset train, SparkDataset validation, Fit options, long seed, boolean shuffle,
            Map<Integer, Double> classWeight) {
        model.compiled();
        Replicas.checkFloat(model);
        if (classWeight != null && !classWeight.isEmpty() && model.outputNames().size() != 1) {
            throw new IllegalArgumentException("class_weight is only supported for models with a single output, this one "
                    + "has " + model.outputNames().size());
        }
        Plan plan = plan(model, train, options.batchSize(), shuffle, seed, classWeight, averagingFrequency,
                options.stepsPerEpoch());
        try {
            check(model, train, plan.broadcast);
            if (validation != null) {
                check(model, validation, plan.broadcast);
            }
            return loop(model, train, validation, options, plan);
        } finally {
            plan.broadcast.destroy();
        }
    }

    /** The broadcast plan of one fit or evaluation. */
    private record Plan(FitPlan plan, Broadcast<FitPlan> broadcast) {
    }

    private Plan plan(Model model, SparkDataset data, int batchSize, boolean shuffle, long seed,
            Map<Integer, Double> classWeight, int stepsPerRound) {
        return plan(model, data, batchSize, shuffle, seed, classWeight, stepsPerRound, null);
    }

    private Plan plan(Model model, SparkDataset data, int batchSize, boolean shuffle, long seed,
            Map<Integer, Double> classWeight, int stepsPerRound, Integer stepsPerEpoch) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be a positive integer, received " + batchSize);
        }
        if (!ModelArchive.hasCompileConfig(model)) {
            throw new IllegalArgumentException("Model \"" + model.name() + "\" cannot be shipped to executors: Spark "
                    + "training needs compile settings known by name (a registered optimizer and losses, metric names, "
                    + "not objects)");
        }
        byte[] archive;
        try {
            archive = ModelArchive.toBytes(model, null);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Model \"" + model.name() + "\" cannot be shipped to executors: " + e.getMessage(),
                    e);
        }
        int threads = threadsPerTask != null ? threadsPerTask : Integer.parseInt(sc.getConf().get("spark.task.cpus", "1"));
        Optimizer optimizer = model.compiled().optimizer();
        FitPlan fp = new FitPlan(UUID.randomUUID().toString(), archive, data == null ? null : data.id(),
                new ArrayList<>(data == null ? SparkDataset.inputShapes(model) : data.inputShapes()), batchSize, shuffle,
                seed, classWeight == null ? null : new LinkedHashMap<>(classWeight), stepsPerRound, stepsPerEpoch,
                averageOptimizerState, optimizer.learningRateSchedule(), threads, customObjects);
        checkSerializable(fp);
        return new Plan(fp, sc.broadcast(fp));
    }

    /**
     * Case 13 of RELIABILITY.md: what is shipped to executors must serialize; a captured object that
     * does not fails here, before any job, naming its class.
     */
    static void checkSerializable(Object o) {
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(o);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("Training on Spark ships the custom objects, learning-rate schedule and "
                    + "class weights to executors, but they capture an object of class " + e.getMessage()
                    + " that is not serializable (make it Serializable or do not capture it)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("The training settings could not be serialized: " + e, e);
        }
    }

    /**
     * One job over the data before training: materializes the persisted blocks and checks the
     * targets against the model's losses (shapes, label ranges), naming the partition.
     */
    private void check(Model model, SparkDataset data, Broadcast<FitPlan> plan) {
        if (data.streaming()) {
            return;
        }
        List<long[]> outShapes = model.outputShapes();
        sc.setJobDescription("Sparkeras: preparing " + data.numPartitions() + " partitions");
        try {
            List<Long> rows = data.blocks().mapPartitionsWithIndex((p, it) -> {
                long n = 0;
                while (it.hasNext()) {
                    Block b = it.next();
                    n += b.rows;
                    if (b.rows == 0 || b.y.length == 0) {
                        continue;
                    }
                    Replicas.Replica r = Replicas.borrow(plan.value());
                    try {
                        List<INDArray> ys = b.targetArrays();
                        for (int i = 0; i < ys.size(); i++) {
                            long[] shape = new long[outShapes.get(i).length + 1];
                            shape[0] = b.rows;
                            System.arraycopy(outShapes.get(i), 0, shape, 1, shape.length - 1);
                            try {
                                r.model.compiled().losses().get(i).checkTargets(ys.get(i), shape);
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("Partition " + p + ", output \""
                                        + r.model.outputNames().get(i) + "\": " + e.getMessage(), e);
                            }
                        }
                    } finally {
                        Replicas.release(r);
                    }
                }
                return List.of(n).iterator();
            }, true).collect();
            long[] expected = data.partitionSizes();
            for (int p = 0; p < expected.length; p++) {
                if (rows.get(p) != expected[p]) {
                    throw new IllegalStateException("Partition " + p + " holds " + rows.get(p) + " rows, " + expected[p]
                            + " were expected: the source data changed between two reads (make it deterministic or cache it)");
                }
            }
        } catch (Exception e) {
            throw unwrap(e, "preparing the data");
        }
    }

    /** Spark wraps task failures in SparkException: surface the task's own bad-input message. */
    private static RuntimeException unwrap(Exception e, String what) {
        if (e instanceof SparkTrainingException ste) {
            return ste;
        }
        Throwable t = e;
        while (t != null) {
            if (t instanceof IllegalArgumentException iae) {
                return new IllegalArgumentException(iae.getMessage(), e);
            }
            t = t.getCause();
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        // The original cause of a task failure is in the message Spark builds from the executor's stack trace.
        for (String line : msg.split("\n")) {
            if (line.contains("IllegalArgumentException:")) {
                return new IllegalArgumentException(line.substring(line.indexOf("IllegalArgumentException:")
                        + "IllegalArgumentException:".length()).trim(), e);
            }
        }
        return new SparkTrainingException("Spark job failed while " + what + ": " + msg, e);
    }

    private History loop(Model model, SparkDataset train, SparkDataset validation, Fit options, Plan plan) {
        FitPlan fp = plan.plan();
        int k = fp.stepsPerRound();
        long[] sizes = train.partitionSizes();
        long maxSteps = 0;
        for (long s : sizes) {
            long steps = (s + fp.batchSize() - 1) / fp.batchSize();
            if (options.stepsPerEpoch() != null) {
                steps = Math.min(steps, options.stepsPerEpoch());
            }
            maxSteps = Math.max(maxSteps, steps);
        }
        int rounds = (int) ((maxSteps + k - 1) / k);
        History history = new History();
        List<Callback> callbacks = new ArrayList<>(options.callbacks());
        callbacks.add(history);
        callbacks.add(new ProgbarLogger(options.verbose(), options.out()));
        Map<String, Object> params = Map.of("epochs", options.epochs(), "steps", rounds, "verbose", options.verbose());
        for (Callback c : callbacks) {
            c.setModel(model);
            c.setParams(params);
        }
        model.setStopTraining(false);
        LocalTrainer.Trackers trackers = new LocalTrainer.Trackers(model, model.compiled());
        Map<String, Double> empty = Map.of();
        callbacks.forEach(c -> c.onTrainBegin(empty));
        Callback.Position resume = LocalTrainer.resumePosition(callbacks);
        int firstEpoch = resume != null ? resume.epoch() : options.initialEpoch();
        LOG.info("Spark fit: {} partitions ({} rows), batch size {} per worker, {} steps per round, {} rounds per epoch",
                sizes.length, train.count(), fp.batchSize(), k, rounds);
        boolean stop = false;
        for (int epoch = firstEpoch; epoch < options.epochs() && !model.stopTraining() && !stop; epoch++) {
            trackers.reset();
            final int e = epoch;
            callbacks.forEach(c -> c.onEpochBegin(e, empty));
            int firstRound = resume != null && epoch == firstEpoch ? Math.min(resume.batch(), rounds) : 0;
            for (int round = firstRound; round < rounds; round++) {
                final int r = round;
                callbacks.forEach(c -> c.onTrainBatchBegin(r, empty));
                sc.setJobDescription("Sparkeras fit: epoch " + (epoch + 1) + "/" + options.epochs() + ", round "
                        + (round + 1) + "/" + rounds);
                RoundSum sum = round(model, train, plan.broadcast(), epoch, round);
                if (!sum.problems().isEmpty() && !handleNonFinite(sum, history, options)) {
                    stop = true;
                    break;
                }
                if (sum.samples > 0) {
                    apply(model, sum);
                    trackers.merge(sum.trackers);
                }
                Map<String, Double> logs = trackers.logs();
                if (LOG.isInfoEnabled()) {
                    LOG.info("Epoch {}/{}, round {}/{}: {} samples averaged from {} partitions, running loss {}",
                            epoch + 1, options.epochs(), round + 1, rounds, sum.samples, sum.workers,
                            logs.get("loss"));
                }
                callbacks.forEach(c -> c.onTrainBatchEnd(r, logs));
                if (model.stopTraining()) {
                    break;
                }
            }
            Map<String, Double> logs = trackers.logs();
            if (stop) {
                logs.put("loss", Double.NaN);
            }
            if (validation != null && !stop) {
                for (Map.Entry<String, Double> v : evaluate(model, validation, plan.broadcast()).entrySet()) {
                    logs.put("val_" + v.getKey(), v.getValue());
                }
            }
            callbacks.forEach(c -> c.onEpochEnd(e, logs));
            logEpoch(epoch);
        }
        Map<String, Double> last = new LinkedHashMap<>();
        history.history().forEach((key, v) -> last.put(key, v.get(v.size() - 1)));
        callbacks.forEach(c -> c.onTrainEnd(last));
        return history;
    }

    /** Applies the policy to a round with non-finite workers; false when training must stop. */
    private boolean handleNonFinite(RoundSum sum, History history, Fit options) {
        String what = String.join("; ", sum.problems());
        switch (nonFinitePolicy) {
            case FAIL:
                throw new SparkTrainingException("Non-finite worker result, not averaged: " + what);
            case DROP:
                LOG.warn("Dropped non-finite worker result(s) from the average: {}", what);
                return true;
            default:
                LOG.error("Non-finite worker result, not averaged; training stops with the parameters of the round's "
                        + "start: {}", what);
                if (options.verbose() > 0) {
                    options.out().println("\nNon-finite worker result (" + what + "), terminating training");
                }
                history.markTerminatedOnNaN();
                return false;
        }
    }

    /** Writes the averaged parameters and optimizer state into the driver's model. */
    private void apply(Model model, RoundSum sum) {
        INDArray values = model.parameters().values();
        Host.fromFloats(sum.meanParams(), 0, values);
        Optimizer optimizer = model.compiled().optimizer();
        if (averageOptimizerState) {
            float[][] live = optimizer.stateArrays(values.length());
            if (live.length != sum.stateArrays()) {
                throw new IllegalStateException("Workers returned " + sum.stateArrays() + " optimizer state arrays, the "
                        + "driver's " + optimizer.name() + " has " + live.length);
            }
            for (int i = 0; i < live.length; i++) {
                sum.meanStateInto(i, live[i]);
            }
        }
        optimizer.setIterations(optimizer.iterations() + sum.maxSteps);
    }

    private static RoundState parametersOnly(Model model) {
        return new RoundState(0, 0, Host.toFloats(model.parameters().values(), null), new float[0][], 0, 0);
    }

    private RoundState roundState(Model model, int epoch, int round) {
        INDArray values = model.parameters().values();
        Optimizer optimizer = model.compiled().optimizer();
        // The live arrays, not copies: the broadcast serializes them at once, and the driver changes
        // them only after the round's job has ended and its broadcast is destroyed.
        float[][] state = averageOptimizerState ? optimizer.stateArrays(values.length()) : new float[0][];
        return new RoundState(epoch, round, Host.toFloats(values, null), state, optimizer.iterations(),
                optimizer.learningRate());
    }

    /** One round: broadcast, one Spark job, results summed in partition order. */
    private RoundSum round(Model model, SparkDataset train, Broadcast<FitPlan> plan, int epoch, int round) {
        long t0 = System.nanoTime();
        Broadcast<RoundState> state = sc.broadcast(roundState(model, epoch, round));
        long t1 = System.nanoTime();
        RoundSum sum = new RoundSum();
        long t2;
        try {
            JavaRDD<WorkerResult> results = train.streaming()
                    ? train.rows().mapPartitionsWithIndex(new Tasks.TrainStreamedRound(plan, state, train.outputs(),
                            train.weighted()), true)
                    : train.blocks().mapPartitionsWithIndex(new Tasks.TrainRound(plan, state), true);
            if (aggregationDepth <= 1 || train.numPartitions() < 4) {
                List<WorkerResult> all = results.collect();
                t2 = System.nanoTime();
                for (WorkerResult r : all) {
                    sum.add(r, epoch, round);
                }
            } else {
                int n = train.numPartitions();
                int group = (int) Math.ceil(Math.pow(n, 1.0 / aggregationDepth));
                int groups = (n + group - 1) / group;
                List<Tuple2<Integer, RoundSum>> partial = results.mapToPair(r -> new Tuple2<>(r.partition / group, r))
                        .groupByKey(groups)
                        .mapValues(rs -> {
                            List<WorkerResult> l = new ArrayList<>();
                            rs.forEach(l::add);
                            l.sort((a, b) -> Integer.compare(a.partition, b.partition));
                            RoundSum s = new RoundSum();
                            for (WorkerResult r : l) {
                                s.add(r, epoch, round);
                            }
                            return s;
                        }).collect();
                t2 = System.nanoTime();
                List<Tuple2<Integer, RoundSum>> sorted = new ArrayList<>(partial);
                sorted.sort((a, b) -> Integer.compare(a._1(), b._1()));
                for (Tuple2<Integer, RoundSum> g : sorted) {
                    sum.add(g._2());
                }
            }
        } catch (Exception e) {
            throw unwrap(e, "training epoch " + (epoch + 1) + ", round " + (round + 1));
        } finally {
            state.destroy();
        }
        long t3 = System.nanoTime();
        stats.add(new RoundStats(epoch, round, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                sum.maxComputeNanos / 1e6, sum.samples, sum.workers));
        return sum;
    }

    private void logEpoch(int epoch) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        double overhead = 0, job = 0;
        int n = 0;
        synchronized (stats) {
            for (RoundStats s : stats) {
                if (s.epoch() == epoch) {
                    overhead += s.overheadMs();
                    job += s.jobMs();
                    n++;
                }
            }
        }
        if (n > 0) {
            LOG.info("Epoch {}: {} rounds, {} ms per round, {} ms of it overhead (broadcast + scheduling + transfer + "
                    + "averaging)", epoch + 1, n, String.format("%.1f", job / n), String.format("%.1f", overhead / n));
        }
    }

    private Map<String, Double> evaluate(Model model, SparkDataset data, Broadcast<FitPlan> plan) {
        Broadcast<RoundState> params = sc.broadcast(parametersOnly(model));
        try {
            sc.setJobDescription("Sparkeras evaluate: " + data.numPartitions() + " partitions");
            List<Tasks.EvalResult> results;
            Tasks.Evaluate<Object> task = new Tasks.Evaluate<>(plan, params, data.id(), data.outputs(), data.weighted());
            @SuppressWarnings("unchecked")
            JavaRDD<Object> source = data.streaming() ? (JavaRDD<Object>) (JavaRDD<?>) data.rows()
                    : (JavaRDD<Object>) (JavaRDD<?>) data.blocks();
            results = source.mapPartitionsWithIndex(task, true).collect();
            LocalTrainer.Trackers trackers = new LocalTrainer.Trackers(model, model.compiled());
            trackers.reset();
            for (Tasks.EvalResult r : results) {
                if (r.state() != null) {
                    trackers.merge(r.state());
                }
            }
            return trackers.logs();
        } catch (Exception e) {
            throw unwrap(e, "evaluating");
        } finally {
            params.destroy();
        }
    }
}
