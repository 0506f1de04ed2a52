package org.sparkeras.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkeras.backend.ArrayPool;
import org.sparkeras.backend.Blas;
import org.sparkeras.backend.Host;

/**
 * In-memory arrays served in batches. Without shuffling a batch is a view of the arrays (no copy);
 * with shuffling each epoch draws a permutation from {@code (seed, epoch)} and a batch is gathered
 * into arrays of the current {@link ArrayPool} (one native op per array). Class weights become
 * per-sample weights here, multiplied with explicit sample weights, as in Keras.
 */
public final class ArrayDataset implements Dataset {
    private final List<INDArray> x;
    private final List<INDArray> y;
    private final INDArray sampleWeight;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int samples;

    /**
     * @param x one array per input, samples along the first dimension
     * @param y one array per output (may be empty for prediction)
     * @param sampleWeight per-sample weights or null
     * @param classWeight weight per class index, applied through the first target array, or null
     */
    public ArrayDataset(List<INDArray> x, List<INDArray> y, INDArray sampleWeight, Map<Integer, Double> classWeight,
            int batchSize, boolean shuffle, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be a positive integer, received " + batchSize);
        }
        if (x.isEmpty()) {
            throw new IllegalArgumentException("No input arrays were given");
        }
        this.samples = (int) x.get(0).size(0);
        checkCardinality(x, y, sampleWeight);
        this.x = contiguous(x);
        this.y = contiguous(y);
        this.sampleWeight = combinedWeights(sampleWeight, classWeight, y);
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    private static List<INDArray> contiguous(List<INDArray> arrays) {
        List<INDArray> out = new ArrayList<>();
        for (INDArray a : arrays) {
            out.add(Blas.contiguous(a));
        }
        return out;
    }

    /** Keras's check: every array holds the same number of samples; the message lists the counts. */
    static void checkCardinality(List<INDArray> x, List<INDArray> y, INDArray sampleWeight) {
        List<Long> xs = new ArrayList<>(), ys = new ArrayList<>();
        boolean ok = true;
        long n = x.get(0).size(0);
        for (INDArray a : x) {
            xs.add(a.rank() == 0 ? 1 : a.size(0));
            ok &= a.rank() > 0 && a.size(0) == n;
        }
        for (INDArray a : y) {
            ys.add(a.rank() == 0 ? 1 : a.size(0));
            ok &= a.rank() > 0 && a.size(0) == n;
        }
        if (!ok) {
            throw new IllegalArgumentException("Data cardinality is ambiguous: x sizes: " + join(xs)
                    + (y.isEmpty() ? "" : ", y sizes: " + join(ys))
                    + ". Make sure all arrays contain the same number of samples.");
        }
        if (sampleWeight != null && (sampleWeight.rank() == 0 || sampleWeight.size(0) != n)) {
            throw new IllegalArgumentException("sample_weight has " + (sampleWeight.rank() == 0 ? 1 : sampleWeight.size(0))
                    + " values but x has " + n + " samples");
        }
    }

    private static String join(List<Long> l) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < l.size(); i++) {
            b.append(i > 0 ? ", " : "").append(l.get(i));
        }
        return b.toString();
    }

    private INDArray combinedWeights(INDArray sw, Map<Integer, Double> classWeight, List<INDArray> ys) {
        if (classWeight == null || classWeight.isEmpty()) {
            return sw == null ? null : Blas.contiguous(sw.reshape(samples).castTo(DataType.DOUBLE));
        }
        if (ys.size() != 1) {
            throw new IllegalArgumentException("class_weight is only supported for models with a single output, this one has "
                    + ys.size());
        }
        INDArray target = ys.get(0);
        double[] w = sw == null ? null : Host.toDoubles(sw);
        double[] out = new double[samples];
        double[] t = Host.toDoubles(target);
        int cols = (int) (target.length() / Math.max(1, samples));
        for (int i = 0; i < samples; i++) {
            int cls;
            if (cols == 1) {
                cls = (int) Math.round(t[i]);
            } else {
                cls = 0;
                for (int c = 1; c < cols; c++) {
                    if (t[i * cols + c] > t[i * cols + cls]) {
                        cls = c;
                    }
                }
            }
            Double cw = classWeight.get(cls);
            out[i] = (cw == null ? 1.0 : cw) * (w == null ? 1.0 : w[i]);
        }
        return Nd4j.createFromArray(out);
    }

    /** The number of samples. */
    public int samples() {
        return samples;
    }

    @Override
    public long steps() {
        return (samples + batchSize - 1) / batchSize;
    }

    /** The input arrays (C-contiguous). */
    public List<INDArray> inputs() {
        return x;
    }

    /** The target arrays (C-contiguous; empty for prediction). */
    public List<INDArray> targets() {
        return y;
    }

    /** The per-sample weights with class weights folded in (DOUBLE), or null. */
    public INDArray sampleWeights() {
        return sampleWeight;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean shuffles() {
        return shuffle;
    }

    public long seed() {
        return seed;
    }

    @Override
    public Iterator<Batch> batches(int epoch) {
        return batches(epoch, 0);
    }

    /**
     * The batches of {@code epoch} from batch index {@code firstBatch} on: the same batches, in the
     * same order, as {@code batches(epoch)} after skipping {@code firstBatch} of them, without
     * gathering the skipped ones.
     */
    public Iterator<Batch> batches(int epoch, long firstBatch) {
        if (firstBatch < 0) {
            throw new IllegalArgumentException("firstBatch must be >= 0, received " + firstBatch);
        }
        final int[] order = shuffle ? permutation(samples, seed, epoch) : null;
        final long first = Math.min((long) samples, firstBatch * batchSize);
        return new Iterator<>() {
            int start = (int) first;

            @Override
            public boolean hasNext() {
                return start < samples;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(samples, start + batchSize);
                Batch b = order == null ? slice(start, end) : gather(order, start, end);
                start = end;
                return b;
            }
        };
    }

    /** A permutation of 0..n-1 drawn from (seed, epoch) with a Fisher-Yates shuffle. */
    static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private Batch slice(int start, int end) {
        List<INDArray> bx = new ArrayList<>(), by = new ArrayList<>();
        for (INDArray a : x) {
            bx.add(rows(a, start, end));
        }
        for (INDArray a : y) {
            by.add(rows(a, start, end));
        }
        return new Batch(bx, by, sampleWeight == null ? null : rows(sampleWeight, start, end));
    }

    private static INDArray rows(INDArray a, int start, int end) {
        if (start == 0 && end == a.size(0)) {
            return a;
        }
        org.nd4j.linalg.indexing.INDArrayIndex[] ix = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
        ix[0] = NDArrayIndex.interval(start, end);
        for (int i = 1; i < ix.length; i++) {
            ix[i] = NDArrayIndex.all();
        }
        return a.get(ix);
    }

    private Batch gather(int[] order, int start, int end) {
        int[] idx = new int[end - start];
        System.arraycopy(order, start, idx, 0, idx.length);
        List<INDArray> bx = new ArrayList<>(), by = new ArrayList<>();
        for (INDArray a : x) {
            bx.add(gatherRows(a, idx));
        }
        for (INDArray a : y) {
            by.add(gatherRows(a, idx));
        }
        return new Batch(bx, by, sampleWeight == null ? null : gatherRows(sampleWeight, idx));
    }

    /**
     * Rows {@code idx} of {@code a} into a pooled array: one bulk copy per row between direct byte
     * buffers over the native memory (no JNI call, no ND4J op; ND4J's pullRows rebuilds its
     * tensor-along-dimension table for the whole source on every call).
     */
    static INDArray gatherRows(INDArray a, int[] idx) {
        long[] shape = a.shape();
        long n = shape[0];
        long[] outShape = shape.clone();
        outShape[0] = idx.length;
        INDArray out = ArrayPool.alloc(a.dataType(), outShape);
        long rowBytes = n == 0 ? 0 : a.length() / n * a.dataType().width();
        long srcBytes = n * rowBytes, dstBytes = idx.length * rowBytes;
        if (srcBytes <= Integer.MAX_VALUE) {
            ByteBuffer src = bytes(a, srcBytes);
            ByteBuffer dst = bytes(out, dstBytes);
            int rb = (int) rowBytes;
            for (int i = 0; i < idx.length; i++) {
                dst.put(i * rb, src, idx[i] * rb, rb);
            }
        } else {
            Pointer src = a.data().addressPointer();
            Pointer dst = out.data().addressPointer();
            for (int i = 0; i < idx.length; i++) {
                Pointer.memcpy(new BytePointer(dst).position(i * rowBytes), new BytePointer(src).position(idx[i] * rowBytes),
                        rowBytes);
            }
        }
        return out;
    }

    private static ByteBuffer bytes(INDArray a, long length) {
        BytePointer p = new BytePointer(a.data().addressPointer());
        return p.position(0).limit(length).capacity(length).asByteBuffer();
    }
}
