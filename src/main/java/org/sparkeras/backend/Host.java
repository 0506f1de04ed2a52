package org.sparkeras.backend;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies between native arrays and Java arrays. Small per-batch work (losses, metrics, optimizer
 * updates) runs faster as a plain Java loop than as a chain of ND4J ops, each of which costs
 * 10-20 µs of overhead; the copies themselves are memcpy.
 */
public final class Host {
    /** A reusable float buffer per thread for FLOAT <-> double conversions. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private Host() {}

    private static float[] scratch(int n) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < n) {
            holder[0] = new float[n];
        }
        return holder[0];
    }

    /** The elements of {@code a} in C order as doubles, into {@code out} when it is large enough. */
    public static double[] toDoubles(INDArray a, double[] out) {
        int n = (int) a.length();
        double[] d = out != null && out.length >= n ? out : new double[n];
        if (n == 0) {
            return d;
        }
        INDArray c = Blas.contiguous(a);
        if (c.dataType() == DataType.DOUBLE) {
            ((DoublePointer) c.data().addressPointer()).get(d, 0, n);
        } else if (c.dataType() == DataType.FLOAT) {
            float[] f = scratch(n);
            ((FloatPointer) c.data().addressPointer()).get(f, 0, n);
            for (int i = 0; i < n; i++) {
                d[i] = f[i];
            }
        } else {
            double[] all = c.castTo(DataType.DOUBLE).data().asDouble();
            System.arraycopy(all, 0, d, 0, n);
        }
        return d;
    }

    /** The elements of {@code a} in C order as a new double array. */
    public static double[] toDoubles(INDArray a) {
        return toDoubles(a, null);
    }

    /** The elements of a FLOAT array in C order, into {@code out} when it is large enough. */
    public static float[] toFloats(INDArray a, float[] out) {
        int n = (int) a.length();
        float[] f = out != null && out.length >= n ? out : new float[n];
        if (n == 0) {
            return f;
        }
        INDArray c = Blas.contiguous(a);
        if (c.dataType() == DataType.FLOAT) {
            ((FloatPointer) c.data().addressPointer()).get(f, 0, n);
        } else {
            double[] d = toDoubles(c, null);
            for (int i = 0; i < n; i++) {
                f[i] = (float) d[i];
            }
        }
        return f;
    }

    /** Writes the first {@code a.length()} values into a contiguous array, converting to its type. */
    public static void fromDoubles(double[] values, INDArray a) {
        if (!Blas.isContiguous(a)) {
            throw new IllegalArgumentException("Host.fromDoubles needs a contiguous destination");
        }
        int n = (int) a.length();
        if (a.dataType() == DataType.DOUBLE) {
            ((DoublePointer) a.data().addressPointer()).put(values, 0, n);
        } else if (a.dataType() == DataType.FLOAT) {
            float[] f = scratch(n);
            for (int i = 0; i < n; i++) {
                f[i] = (float) values[i];
            }
            ((FloatPointer) a.data().addressPointer()).put(f, 0, n);
        } else {
            throw new IllegalArgumentException("Host.fromDoubles supports FLOAT and DOUBLE, received " + a.dataType());
        }
    }

    /** The elements of a contiguous FLOAT array into {@code out[offset ..]} (a memcpy). */
    public static void toFloats(INDArray a, float[] out, int offset) {
        if (!Blas.isContiguous(a) || a.dataType() != DataType.FLOAT) {
            float[] f = toFloats(a, null);
            System.arraycopy(f, 0, out, offset, f.length);
            return;
        }
        if (a.length() > 0) {
            ((FloatPointer) a.data().addressPointer()).get(out, offset, (int) a.length());
        }
    }

    /** Writes {@code values[offset .. offset + a.length())} into a contiguous FLOAT array. */
    public static void fromFloats(float[] values, int offset, INDArray a) {
        if (!Blas.isContiguous(a) || a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("Host.fromFloats needs a contiguous FLOAT destination");
        }
        if (a.length() > 0) {
            ((FloatPointer) a.data().addressPointer()).put(values, offset, (int) a.length());
        }
    }

    /**
     * Copies every row of {@code src} into {@code dst} from row {@code firstRow} on: one memcpy, for
     * arrays of the same type and row length, {@code dst} contiguous in C order. Cheaper than
     * {@code dst.get(interval(...)).assign(src)}, whose view and op cost tens of microseconds.
     */
    public static void copyRows(INDArray src, INDArray dst, long firstRow) {
        INDArray s = Blas.contiguous(src);
        long rows = s.rank() == 0 ? 1 : s.size(0);
        long rowLength = dst.size(0) == 0 ? 0 : dst.length() / dst.size(0);
        if (!Blas.isContiguous(dst) || s.dataType() != dst.dataType() || s.length() != rows * rowLength
                || firstRow < 0 || firstRow + rows > dst.size(0)) {
            throw new IllegalArgumentException("Host.copyRows: cannot copy " + s.dataType() + " " + java.util.Arrays.toString(
                    s.shape()) + " into rows " + firstRow + ".. of " + dst.dataType() + " " + java.util.Arrays.toString(
                    dst.shape()) + (Blas.isContiguous(dst) ? "" : " (not contiguous)"));
        }
        if (s.length() == 0) {
            return;
        }
        long width = dst.dataType().width();
        BytePointer to = new BytePointer(dst.data().addressPointer());
        to.position(firstRow * rowLength * width);
        Pointer.memcpy(to, new BytePointer(s.data().addressPointer()), s.length() * width);
    }

    /** Writes the first {@code a.length()} values into a contiguous FLOAT array. */
    public static void fromFloats(float[] values, INDArray a) {
        if (!Blas.isContiguous(a) || a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("Host.fromFloats needs a contiguous FLOAT destination");
        }
        ((FloatPointer) a.data().addressPointer()).put(values, 0, (int) a.length());
    }
}
