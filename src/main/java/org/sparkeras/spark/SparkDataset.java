package org.sparkeras.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;
import org.sparkeras.data.ArrayDataset;
import org.sparkeras.models.Model;
import scala.Tuple2;

/**
 * Training or evaluation data distributed over Spark partitions, each partition held as one dense
 * {@link Block}. Created from a {@code Dataset<Row>} and a {@link Columns} mapping, from a
 * {@code JavaRDD<Sample>}, or from in-memory arrays; rows are numbered in the source's order and,
 * unless told otherwise, moved so partition {@code p} holds rows {@code [p*n/N, (p+1)*n/N)}: near
 * equal sizes, and the same placement on every run. Blocks are persisted at the given storage
 * level (MEMORY_AND_DISK by default) when first computed; nothing is collected to the driver.
 *
 * <p>Streaming: with {@link Options#streaming(boolean)} the blocks are not persisted: every round
 * reads its partition's rows (from Spark's shuffle files after rebalancing) and trains on a window
 * of them, so a partition never has to fit in memory; see {@link SparkTrainer} for the batch order.
 */
public final class SparkDataset {
    /** How to lay data out on the cluster. */
    public static final class Options implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private Integer numPartitions;
        private boolean rebalance = true;
        private StorageLevel storageLevel = StorageLevel.MEMORY_AND_DISK();
        private boolean streaming;

        public static Options defaults() {
            return new Options();
        }

        /** The number of partitions (default: the context's default parallelism). */
        public Options numPartitions(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("numPartitions must be >= 1, received " + n);
            }
            this.numPartitions = n;
            return this;
        }

        /** Whether to move rows into near-equal partitions (default true); false keeps the source's partitions. */
        public Options rebalance(boolean rebalance) {
            this.rebalance = rebalance;
            return this;
        }

        /** Where the converted blocks are kept (default MEMORY_AND_DISK). */
        public Options storageLevel(StorageLevel level) {
            this.storageLevel = java.util.Objects.requireNonNull(level, "storageLevel");
            return this;
        }

        /** Read partitions again every round instead of persisting them (data larger than the cluster's memory). */
        public Options streaming(boolean streaming) {
            this.streaming = streaming;
            return this;
        }

        public Integer numPartitions() {
            return numPartitions;
        }

        public boolean rebalance() {
            return rebalance;
        }

        public StorageLevel storageLevel() {
            return storageLevel;
        }

        public boolean streaming() {
            return streaming;
        }
    }

    private final String id = UUID.randomUUID().toString();
    private final JavaRDD<Block> blocks;
    private final JavaRDD<Sample> rows;
    private final long[] sizes;
    private final List<long[]> inputShapes;
    private final int outputs;
    private final boolean weighted;
    /** Broadcasts the blocks are read from (in-memory arrays), destroyed by {@link #unpersist()}. */
    private final List<Broadcast<Block>> broadcasts = new ArrayList<>();

    private SparkDataset(JavaRDD<Block> blocks, JavaRDD<Sample> rows, long[] sizes, List<long[]> inputShapes, int outputs,
            boolean weighted) {
        this.blocks = blocks;
        this.rows = rows;
        this.sizes = sizes;
        this.inputShapes = inputShapes;
        this.outputs = outputs;
        this.weighted = weighted;
    }

    // ---------------------------------------------------------------- factories

    /**
     * The rows of {@code df}, columns mapped to {@code model}'s inputs and outputs by {@code columns}.
     * Column names, types and numeric-column widths are checked here, before any Spark job starts.
     */
    public static SparkDataset fromDataFrame(org.apache.spark.sql.Dataset<Row> df, Columns columns, Model model,
            Options options) {
        return fromDataFrame(df, columns, model, options, 0.0)[0];
    }

    /**
     * As {@link #fromDataFrame(org.apache.spark.sql.Dataset, Columns, Model, Options)}, keeping the last
     * {@code validationSplit} fraction of the rows (in source order, as Keras's validation_split does)
     * apart: returns {training, validation} (validation null when the split is 0).
     */
    public static SparkDataset[] fromDataFrame(org.apache.spark.sql.Dataset<Row> df, Columns columns, Model model,
            Options options, double validationSplit) {
        RowReader reader = reader(df.schema(), columns, model);
        JavaRDD<Sample> samples = df.javaRDD().mapPartitionsWithIndex((p, it) -> new Iterator<Sample>() {
            long k;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Sample next() {
                return reader.read(it.next(), p, k++);
            }
        }, true);
        return build(JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext()), samples,
                inputShapes(model), model.outputNames().size(), reader.weighted(), options, validationSplit);
    }

    /** Records mapped to {@link Sample}s; the model gives the input shapes. */
    public static SparkDataset fromSamples(JavaRDD<Sample> samples, Model model, boolean weighted, Options options) {
        return fromSamples(samples, model, weighted, options, 0.0)[0];
    }

    /** As {@link #fromSamples(JavaRDD, Model, boolean, Options)} with a validation split. */
    public static SparkDataset[] fromSamples(JavaRDD<Sample> samples, Model model, boolean weighted, Options options,
            double validationSplit) {
        return build(JavaSparkContext.fromSparkContext(samples.context()), samples, inputShapes(model),
                model.outputNames().size(), weighted, options, validationSplit);
    }

    /**
     * In-memory data from the driver, cut into {@code numPartitions} contiguous slices: per-sample
     * weights (with class weights already folded in) come from the dataset.
     */
    public static SparkDataset fromArrays(JavaSparkContext sc, ArrayDataset data, Options options) {
        int n = data.samples();
        int parts = options.numPartitions() != null ? options.numPartitions() : sc.defaultParallelism();
        List<INDArray> xs = data.inputs();
        List<INDArray> ys = data.targets();
        INDArray sw = data.sampleWeights();
        List<long[]> shapes = new ArrayList<>();
        for (INDArray a : xs) {
            long[] s = a.shape();
            shapes.add(java.util.Arrays.copyOfRange(s, 1, s.length));
        }
        float[][] xAll = new float[xs.size()][];
        for (int i = 0; i < xs.size(); i++) {
            xAll[i] = Host.toFloats(xs.get(i), null);
        }
        float[][] yAll = new float[ys.size()][];
        for (int i = 0; i < ys.size(); i++) {
            yAll[i] = Host.toFloats(ys.get(i), null);
        }
        double[] wAll = sw == null ? null : Host.toDoubles(sw);
        List<Block> blocks = new ArrayList<>(parts);
        long[] sizes = new long[parts];
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) p * n / parts), to = (int) ((long) (p + 1) * n / parts);
            sizes[p] = to - from;
            float[][] bx = new float[xAll.length][];
            for (int i = 0; i < bx.length; i++) {
                int w = n == 0 ? 0 : xAll[i].length / n;
                bx[i] = java.util.Arrays.copyOfRange(xAll[i], from * w, to * w);
            }
            float[][] by = new float[yAll.length][];
            for (int i = 0; i < by.length; i++) {
                int w = n == 0 ? 0 : yAll[i].length / n;
                by[i] = java.util.Arrays.copyOfRange(yAll[i], from * w, to * w);
            }
            blocks.add(new Block(to - from, bx, by, wAll == null ? null : java.util.Arrays.copyOfRange(wAll, from, to)));
        }
        // One broadcast per block, and an RDD of indices that reads them: a parallelized collection
        // would put the data into every task of every round (its partitions hold the data).
        List<Broadcast<Block>> shared = new ArrayList<>(parts);
        List<Integer> indices = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            shared.add(sc.broadcast(blocks.get(p)));
            indices.add(p);
        }
        blocks.clear();
        JavaRDD<Block> rdd = sc.parallelize(indices, parts)
                .map(p -> shared.get(p).value()).setName("sparkeras blocks (arrays)");
        rdd.persist(options.storageLevel());
        SparkDataset d = new SparkDataset(rdd, null, sizes, shapes, ys.size(), wAll != null);
        d.broadcasts.addAll(shared);
        return d;
    }

    static RowReader reader(org.apache.spark.sql.types.StructType schema, Columns columns, Model model) {
        List<long[]> shapes = inputShapes(model);
        int[] widths = new int[shapes.size()];
        for (int i = 0; i < widths.length; i++) {
            long w = 1;
            for (long d : shapes.get(i)) {
                if (d <= 0) {
                    throw new IllegalArgumentException("Input \"" + model.inputNames().get(i) + "\" has shape "
                            + java.util.Arrays.toString(shapes.get(i)) + " with an unknown dimension; Spark data needs "
                            + "fully known per-sample input shapes (build the model with an Input)");
                }
                w *= d;
            }
            widths[i] = (int) w;
        }
        return new RowReader(schema, columns.inputsOf(model), model.inputNames(), widths,
                columns.hasOutputs() ? columns.outputsOf(model) : null, model.outputNames(), columns.sampleWeight());
    }

    static List<long[]> inputShapes(Model model) {
        List<long[]> shapes = model.inputShapes();
        if (shapes == null || shapes.isEmpty()) {
            throw new IllegalArgumentException("Model \"" + model.name() + "\" has no known input shapes yet; build it "
                    + "(give an Input or call build) before training it on Spark data");
        }
        return shapes;
    }

    private static SparkDataset[] build(JavaSparkContext sc, JavaRDD<Sample> samples, List<long[]> inputShapes,
            int outputs, boolean weighted, Options options, double validationSplit) {
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("validation_split must be in [0, 1), received " + validationSplit);
        }
        int parts = options.numPartitions() != null ? options.numPartitions() : sc.defaultParallelism();
        sc.setJobDescription("Sparkeras: counting rows per partition");
        List<Long> counts = samples.mapPartitions(it -> {
            long n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        long[] offsets = new long[counts.size() + 1];
        for (int p = 0; p < counts.size(); p++) {
            offsets[p + 1] = offsets[p] + counts.get(p);
        }
        long total = offsets[counts.size()];
        if (total == 0) {
            throw new IllegalArgumentException("The data holds no rows (" + counts.size() + " partitions, all empty)");
        }
        long nTrain = (long) Math.floor(total * (1.0 - validationSplit));
        if (nTrain == 0) {
            throw new IllegalArgumentException("validation_split " + validationSplit + " leaves no training rows out of "
                    + total);
        }
        JavaPairRDD<Long, Sample> indexed = samples.mapPartitionsWithIndex((p, it) -> new Iterator<Tuple2<Long, Sample>>() {
            long k = offsets[p];

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<Long, Sample> next() {
                return new Tuple2<>(k++, it.next());
            }
        }, true).mapToPair(t -> t);
        SparkDataset train = part(indexed.filter(t -> t._1() < nTrain), 0, nTrain, counts, offsets, parts, inputShapes,
                outputs, weighted, options, "training");
        SparkDataset validation = nTrain == total ? null
                : part(indexed.filter(t -> t._1() >= nTrain), nTrain, total, counts, offsets, parts, inputShapes, outputs,
                        weighted, options, "validation");
        return new SparkDataset[] {train, validation};
    }

    /** Rows with global index in [from, to) laid out over {@code parts} partitions (or the source's). */
    private static SparkDataset part(JavaPairRDD<Long, Sample> rows, long from, long to, List<Long> counts,
            long[] offsets, int parts, List<long[]> inputShapes, int outputs, boolean weighted, Options options,
            String what) {
        JavaRDD<Sample> ordered;
        long[] sizes;
        if (options.rebalance()) {
            EvenPartitioner partitioner = new EvenPartitioner(from, to, parts);
            ordered = rows.repartitionAndSortWithinPartitions(partitioner).values();
            sizes = partitioner.sizes();
        } else {
            ordered = rows.values();
            sizes = new long[counts.size()];
            for (int p = 0; p < sizes.length; p++) {
                sizes[p] = Math.max(0, Math.min(offsets[p + 1], to) - Math.max(offsets[p], from));
            }
        }
        if (options.streaming()) {
            ordered.setName("sparkeras " + what + " rows (streamed)");
            return new SparkDataset(null, ordered, sizes, inputShapes, outputs, weighted);
        }
        JavaRDD<Block> blocks = ordered.mapPartitions(it -> List.of(pack(it, inputShapes.size(), outputs, weighted))
                .iterator(), true).setName("sparkeras " + what + " blocks");
        blocks.persist(options.storageLevel());
        return new SparkDataset(blocks, null, sizes, inputShapes, outputs, weighted);
    }

    /** Packs samples into one block (growing arrays; the block is the partition's cached form). */
    static Block pack(Iterator<Sample> it, int inputs, int outputs, boolean weighted) {
        Floats[] x = new Floats[inputs];
        Floats[] y = new Floats[outputs];
        for (int i = 0; i < inputs; i++) {
            x[i] = new Floats();
        }
        for (int i = 0; i < outputs; i++) {
            y[i] = new Floats();
        }
        double[] w = weighted ? new double[1024] : null;
        int rows = 0;
        int[] yWidth = new int[outputs];
        while (it.hasNext()) {
            Sample s = it.next();
            for (int i = 0; i < inputs; i++) {
                x[i].add(s.x()[i]);
            }
            for (int i = 0; i < outputs; i++) {
                float[] v = s.y()[i];
                if (rows == 0) {
                    yWidth[i] = v.length;
                } else if (v.length != yWidth[i]) {
                    throw new IllegalArgumentException("Row " + rows + " of a partition has " + v.length
                            + " target values for output " + i + ", earlier rows have " + yWidth[i]);
                }
                y[i].add(v);
            }
            if (weighted) {
                if (rows == w.length) {
                    w = java.util.Arrays.copyOf(w, w.length * 2);
                }
                w[rows] = s.weight();
            }
            rows++;
        }
        float[][] bx = new float[inputs][];
        for (int i = 0; i < inputs; i++) {
            bx[i] = x[i].toArray();
        }
        float[][] by = new float[outputs][];
        for (int i = 0; i < outputs; i++) {
            by[i] = y[i].toArray();
        }
        return new Block(rows, bx, by, weighted ? java.util.Arrays.copyOf(w, rows) : null);
    }

    /** A growable float array. */
    private static final class Floats {
        float[] a = new float[4096];
        int n;

        void add(float[] v) {
            if (n + v.length > a.length) {
                a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
            }
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    /** Row index i of [from, to) goes to partition (i - from) * N / (to - from): near-equal, deterministic. */
    static final class EvenPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final long from;
        private final long count;
        private final int parts;

        EvenPartitioner(long from, long to, int parts) {
            this.from = from;
            this.count = to - from;
            this.parts = parts;
        }

        @Override
        public int numPartitions() {
            return parts;
        }

        @Override
        public int getPartition(Object key) {
            long i = (Long) key - from;
            return (int) (i * parts / count);
        }

        long[] sizes() {
            long[] s = new long[parts];
            for (int p = 0; p < parts; p++) {
                // first index i with i * parts / count >= p is ceil(p * count / parts)
                long start = (p * count + parts - 1) / parts;
                long end = ((p + 1) * count + parts - 1) / parts;
                s[p] = end - start;
            }
            return s;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EvenPartitioner e && e.from == from && e.count == count && e.parts == parts;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(from, count, parts);
        }
    }

    // ---------------------------------------------------------------- accessors

    /** A name unique to this dataset (executors cache its native arrays under it). */
    public String id() {
        return id;
    }

    /** The persisted blocks, one per partition (null when streaming). */
    public JavaRDD<Block> blocks() {
        return blocks;
    }

    /** The rows of each partition in order (streaming only, else null). */
    public JavaRDD<Sample> rows() {
        return rows;
    }

    public boolean streaming() {
        return rows != null;
    }

    /** Rows per partition. */
    public long[] partitionSizes() {
        return sizes.clone();
    }

    public int numPartitions() {
        return sizes.length;
    }

    /** All rows. */
    public long count() {
        long n = 0;
        for (long s : sizes) {
            n += s;
        }
        return n;
    }

    /** Per-sample shapes of the inputs. */
    public List<long[]> inputShapes() {
        return inputShapes;
    }

    public int outputs() {
        return outputs;
    }

    public boolean weighted() {
        return weighted;
    }

    /** Frees the persisted blocks. */
    public void unpersist() {
        if (blocks != null) {
            blocks.unpersist(false);
        }
        for (Broadcast<Block> b : broadcasts) {
            b.destroy();
        }
        broadcasts.clear();
    }

    @Override
    public String toString() {
        return "SparkDataset" + Map.of("partitions", sizes.length, "rows", count(), "streaming", streaming());
    }
}
