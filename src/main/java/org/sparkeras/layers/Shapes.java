package org.sparkeras.layers;

/** Formatting of shapes the way Keras prints them: {@code (None, 784)}. */
public final class Shapes {
    private Shapes() {}

    /** A per-sample shape with the batch dimension shown as None. */
    public static String withBatch(long[] perSample) {
        StringBuilder b = new StringBuilder("(None");
        for (long d : perSample) {
            b.append(", ").append(d < 0 ? "None" : Long.toString(d));
        }
        return b.append(')').toString();
    }

    /** A full shape, batch dimension included. */
    public static String of(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "None" : Long.toString(shape[i]));
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** Per-sample shapes as Keras prints them, comma-separated: {@code (None, 3), (None, 4)}. */
    public static String list(java.util.List<long[]> shapes) {
        StringBuilder b = new StringBuilder();
        for (long[] s : shapes) {
            b.append(b.length() > 0 ? ", " : "").append(withBatch(s));
        }
        return b.toString();
    }

    /** The shape without its first (batch) dimension. */
    public static long[] perSample(long[] shape) {
        long[] s = new long[Math.max(0, shape.length - 1)];
        System.arraycopy(shape, 1, s, 0, s.length);
        return s;
    }

    /** The number of elements of a per-sample shape. */
    public static long size(long[] perSample) {
        long n = 1;
        for (long d : perSample) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
