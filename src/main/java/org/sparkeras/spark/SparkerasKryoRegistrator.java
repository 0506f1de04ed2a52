package org.sparkeras.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkeras.training.LocalTrainer;

/**
 * Registers every class Sparkeras sends through Spark's serializer, so a fit passes with {@code
 * spark.kryo.registrationRequired=true}. The per-round classes (blocks, samples, round states,
 * worker results) have hand-written serializers that move their float arrays in bulk; the
 * once-per-fit plan and the rare aggregation classes use Java serialization.
 *
 * <p>Set with {@code --conf spark.kryo.registrator=org.sparkeras.spark.SparkerasKryoRegistrator}
 * (or {@link SparkTrainer#configure}); a SparkTrainer refuses to start with Kryo on and this
 * registrator missing.
 */
public final class SparkerasKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(float[].class);
        kryo.register(float[][].class);
        kryo.register(double[].class);
        kryo.register(double[][].class);
        kryo.register(long[].class);
        kryo.register(int[].class);
        kryo.register(Object[].class);
        kryo.register(Block.class, new BlockSerializer());
        kryo.register(Sample.class, new SampleSerializer());
        kryo.register(RoundState.class, new RoundStateSerializer());
        kryo.register(WorkerResult.class, new WorkerResultSerializer());
        kryo.register(FitPlan.class, new JavaSerializer());
        kryo.register(RoundSum.class, new JavaSerializer());
        kryo.register(Tasks.EvalResult.class, new JavaSerializer());
        kryo.register(LocalTrainer.Trackers.State.class, new JavaSerializer());
        kryo.register(java.util.ArrayList.class);
        kryo.register(scala.Tuple2.class);
        kryo.register(scala.Tuple2[].class);
        // Spark's own classes that DataFrame jobs (reading tables, writing Parquet for batch
        // scoring) send through Kryo and that Spark does not register itself: with
        // spark.kryo.registrationRequired=true these would fail. By name: they differ between versions.
        for (String name : SPARK_SQL_CLASSES) {
            try {
                kryo.register(Class.forName(name, false, SparkerasKryoRegistrator.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                // not in this Spark version
            }
        }
    }

    static final String[] SPARK_SQL_CLASSES = {
        "[Lorg.apache.spark.sql.types.DataType;",
        "[Lorg.apache.spark.sql.types.StructField;",
        "org.apache.spark.sql.types.StructType",
        "org.apache.spark.sql.types.StructField",
        "[Lorg.apache.spark.sql.types.StructType;",
        "org.apache.spark.sql.types.Metadata",
        "org.apache.spark.sql.types.IntegerType$",
        "org.apache.spark.sql.types.LongType$",
        "org.apache.spark.sql.types.DoubleType$",
        "org.apache.spark.sql.types.FloatType$",
        "org.apache.spark.sql.types.StringType$",
        "org.apache.spark.sql.types.BooleanType$",
        "org.apache.spark.sql.types.ArrayType",
        "org.apache.spark.sql.execution.datasources.WriteTaskResult",
        "org.apache.spark.sql.execution.datasources.BasicWriteTaskStats",
        "org.apache.spark.sql.execution.datasources.ExecutedWriteSummary",
        "org.apache.spark.internal.io.FileCommitProtocol$TaskCommitMessage",
        "org.apache.spark.sql.catalyst.InternalRow",
        "[Lorg.apache.spark.sql.catalyst.InternalRow;",
        "org.apache.spark.sql.catalyst.expressions.UnsafeRow",
        "[Lorg.apache.spark.sql.catalyst.expressions.UnsafeRow;",
        "org.apache.spark.sql.catalyst.expressions.GenericInternalRow",
        "org.apache.spark.unsafe.types.UTF8String",
        "scala.collection.immutable.Set$EmptySet$",
        "scala.collection.immutable.Map$EmptyMap$",
        "scala.collection.immutable.Nil$",
        "scala.collection.mutable.WrappedArray$ofRef",
        "scala.collection.immutable.ArraySeq$ofRef",
        "[Ljava.lang.String;",
        "scala.reflect.ClassTag$GenericClassTag",
        "java.lang.Class",
        "org.apache.spark.sql.types.NullType$",
        "org.apache.spark.sql.types.BinaryType$",
        "org.apache.spark.sql.types.ByteType$",
        "org.apache.spark.sql.types.ShortType$",
        "org.apache.spark.sql.types.DateType$",
        "org.apache.spark.sql.types.TimestampType$",
        "org.apache.spark.sql.types.TimestampNTZType$",
        "org.apache.spark.sql.types.DecimalType",
        "org.apache.spark.sql.types.MapType",
        "org.apache.spark.sql.types.CalendarIntervalType$",
        "org.apache.spark.sql.types.Decimal",
        "org.apache.spark.sql.types.VarcharType",
        "org.apache.spark.sql.types.CharType",
        "org.apache.spark.ml.linalg.VectorUDT",
        "org.apache.spark.ml.linalg.DenseVector",
        "org.apache.spark.ml.linalg.SparseVector",
        "org.apache.spark.sql.catalyst.expressions.GenericRow",
        "org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema",
        "[Ljava.lang.Object;",
        "java.util.HashMap",
        "scala.collection.immutable.HashMap$EmptyHashMap$",
        "scala.collection.immutable.Map$Map1",
        "scala.collection.immutable.Map$Map2",
        "scala.collection.immutable.Set$Set1",
        "scala.collection.immutable.$colon$colon",
        "org.apache.spark.sql.catalyst.util.GenericArrayData",
        "org.apache.spark.sql.catalyst.expressions.UnsafeArrayData",
        "org.apache.spark.sql.execution.columnar.CachedBatch",
        "org.apache.spark.sql.execution.datasources.FileFormatWriter$WriteTaskResult",
        "org.apache.hadoop.fs.Path",
        "org.apache.spark.sql.execution.datasources.PartitionedFile",
        "[Lorg.apache.spark.sql.execution.datasources.PartitionedFile;",
        "org.apache.spark.sql.execution.datasources.FilePartition",
        "org.apache.spark.sql.catalyst.InternalRow$",
        "org.apache.spark.sql.execution.datasources.WriteTaskStats",
        "org.apache.spark.sql.execution.datasources.BasicWriteTaskStats$",
        "scala.None$",
        "scala.Some",
    };

    /**
     * A float array as its little-endian bytes, copied in bulk chunks (Kryo's own writeFloats
     * stores one float at a time; parameter vectors are megabytes per round).
     */
    static void writeFloats(Output out, float[] a) {
        if (a == null) {
            out.writeInt(-1, true);
            return;
        }
        out.writeInt(a.length, true);
        if (a.length < 64) {
            out.writeFloats(a);
            return;
        }
        // Through a reused 64 KiB buffer: a byte[4n] of a parameter vector would be a "humongous"
        // object for G1 (over half a region) and cost a collection per round.
        byte[] chunk = CHUNK.get();
        ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, a.length - off);
            view.clear();
            view.asFloatBuffer().put(a, off, n);
            out.writeBytes(chunk, 0, n * 4);
        }
    }

    private static final int CHUNK_FLOATS = 16 * 1024;
    private static final ThreadLocal<byte[]> CHUNK = ThreadLocal.withInitial(() -> new byte[CHUNK_FLOATS * 4]);

    static float[] readFloats(Input in) {
        int n = in.readInt(true);
        if (n < 0) {
            return null;
        }
        if (n < 64) {
            return in.readFloats(n);
        }
        float[] a = new float[n];
        byte[] chunk = CHUNK.get();
        ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < n; off += CHUNK_FLOATS) {
            int k = Math.min(CHUNK_FLOATS, n - off);
            in.readBytes(chunk, 0, k * 4);
            view.clear();
            view.asFloatBuffer().get(a, off, k);
        }
        return a;
    }

    static void writeFloats2(Output out, float[][] a) {
        if (a == null) {
            out.writeInt(-1, true);
            return;
        }
        out.writeInt(a.length, true);
        for (float[] v : a) {
            writeFloats(out, v);
        }
    }

    static float[][] readFloats2(Input in) {
        int n = in.readInt(true);
        if (n < 0) {
            return null;
        }
        float[][] a = new float[n][];
        for (int i = 0; i < n; i++) {
            a[i] = readFloats(in);
        }
        return a;
    }

    static void writeDoubles(Output out, double[] a) {
        if (a == null) {
            out.writeInt(-1, true);
            return;
        }
        out.writeInt(a.length, true);
        out.writeDoubles(a);
    }

    static double[] readDoubles(Input in) {
        int n = in.readInt(true);
        return n < 0 ? null : in.readDoubles(n);
    }

    static final class BlockSerializer extends Serializer<Block> {
        @Override
        public void write(Kryo kryo, Output out, Block b) {
            out.writeInt(b.rows, true);
            writeFloats2(out, b.x);
            writeFloats2(out, b.y);
            writeDoubles(out, b.weights);
        }

        @Override
        public Block read(Kryo kryo, Input in, Class<Block> type) {
            int rows = in.readInt(true);
            return new Block(rows, readFloats2(in), readFloats2(in), readDoubles(in));
        }
    }

    static final class SampleSerializer extends Serializer<Sample> {
        @Override
        public void write(Kryo kryo, Output out, Sample s) {
            writeFloats2(out, s.x());
            writeFloats2(out, s.y());
            out.writeDouble(s.weight());
        }

        @Override
        public Sample read(Kryo kryo, Input in, Class<Sample> type) {
            return new Sample(readFloats2(in), readFloats2(in), in.readDouble());
        }
    }

    static final class RoundStateSerializer extends Serializer<RoundState> {
        @Override
        public void write(Kryo kryo, Output out, RoundState r) {
            out.writeInt(r.epoch, true);
            out.writeInt(r.round, true);
            writeFloats(out, r.params);
            writeFloats2(out, r.optimizerState);
            out.writeLong(r.iterations);
            out.writeDouble(r.learningRate);
        }

        @Override
        public RoundState read(Kryo kryo, Input in, Class<RoundState> type) {
            return new RoundState(in.readInt(true), in.readInt(true), readFloats(in), readFloats2(in), in.readLong(),
                    in.readDouble());
        }
    }

    static final class WorkerResultSerializer extends Serializer<WorkerResult> {
        @Override
        public void write(Kryo kryo, Output out, WorkerResult r) {
            out.writeInt(r.partition, true);
            out.writeLong(r.samples);
            out.writeInt(r.steps, true);
            writeFloats(out, r.params);
            writeFloats2(out, r.optimizerState);
            out.writeBoolean(r.trackers != null);
            if (r.trackers != null) {
                out.writeDouble(r.trackers.lossSum());
                writeDoubles(out, r.trackers.outputLossSums());
                out.writeLong(r.trackers.samples());
                double[][] ms = r.trackers.metricStates();
                out.writeInt(ms.length, true);
                for (double[] m : ms) {
                    writeDoubles(out, m);
                }
            }
            out.writeBoolean(r.nonFiniteLoss);
            out.writeDouble(r.badLoss);
            out.writeInt(r.badStep);
            out.writeInt(r.nonFiniteParam);
            out.writeLong(r.computeNanos);
        }

        @Override
        public WorkerResult read(Kryo kryo, Input in, Class<WorkerResult> type) {
            int partition = in.readInt(true);
            long samples = in.readLong();
            int steps = in.readInt(true);
            float[] params = readFloats(in);
            float[][] state = readFloats2(in);
            LocalTrainer.Trackers.State trackers = null;
            if (in.readBoolean()) {
                double lossSum = in.readDouble();
                double[] outputs = readDoubles(in);
                long n = in.readLong();
                double[][] ms = new double[in.readInt(true)][];
                for (int i = 0; i < ms.length; i++) {
                    ms[i] = readDoubles(in);
                }
                trackers = new LocalTrainer.Trackers.State(lossSum, outputs, n, ms);
            }
            return new WorkerResult(partition, samples, steps, params, state, trackers, in.readBoolean(), in.readDouble(),
                    in.readInt(), in.readInt(), in.readLong());
        }
    }
}
