package org.sparkeras.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One partition's samples as dense row-major float arrays: one array per model input ({@code rows
 * x width}), one per output, and optional per-sample weights. Built once per partition and cached
 * by Spark; plain arrays so that Kryo and Java serialization both move them in bulk.
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Rows in this block. */
    public final int rows;
    /** Per input: {@code rows * width} values, row-major. */
    public final float[][] x;
    /** Per output: {@code rows * width} values, row-major. */
    public final float[][] y;
    /** Per-sample weights, or null. */
    public final double[] weights;

    public Block(int rows, float[][] x, float[][] y, double[] weights) {
        this.rows = rows;
        this.x = x;
        this.y = y;
        this.weights = weights;
    }


    /** The inputs as native arrays of shape {@code (rows, *shape_i)}. */
    public List<INDArray> inputArrays(List<long[]> perSampleShapes) {
        List<INDArray> out = new ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) {
            out.add(array(x[i], rows, perSampleShapes.get(i)));
        }
        return out;
    }

    /** The targets as native arrays of shape {@code (rows, width)}. */
    public List<INDArray> targetArrays() {
        List<INDArray> out = new ArrayList<>(y.length);
        for (int i = 0; i < y.length; i++) {
            int w = rows == 0 ? 1 : y[i].length / rows;
            out.add(array(y[i], rows, new long[] {w}));
        }
        return out;
    }

    /** The weights as a native DOUBLE vector, or null. */
    public INDArray weightArray() {
        return weights == null ? null : Nd4j.createFromArray(weights.clone());
    }

    private static INDArray array(float[] values, int rows, long[] perSample) {
        long[] shape = new long[perSample.length + 1];
        shape[0] = rows;
        System.arraycopy(perSample, 0, shape, 1, perSample.length);
        if (values.length == 0) {
            return Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape);
        }
        return Nd4j.createFromArray(values).reshape('c', shape);
    }

    /** The sizes in bytes of the arrays (for logs and memory sizing). */
    public long bytes() {
        long b = 0;
        for (float[] a : x) {
            b += 4L * a.length;
        }
        for (float[] a : y) {
            b += 4L * a.length;
        }
        return b + (weights == null ? 0 : 8L * weights.length);
    }
}
