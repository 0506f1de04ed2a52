package org.sparkeras.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class HostTest {

    @Test
    void toDoublesFromDoubleAndFloat() {
        INDArray d = Nd4j.createFromArray(new double[][] {{1.25, -2}, {3, 0.1}});
        assertArrayEquals(new double[] {1.25, -2, 3, 0.1}, Host.toDoubles(d), 0);
        INDArray f = d.castTo(DataType.FLOAT);
        assertArrayEquals(new double[] {1.25, -2, 3, (double) 0.1f}, Host.toDoubles(f), 0);
        INDArray i = Nd4j.createFromArray(new int[] {4, -5});
        assertArrayEquals(new double[] {4, -5}, Host.toDoubles(i), 0);
    }

    @Test
    void toDoublesOfViewsIsInCOrder() {
        INDArray a = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
        assertArrayEquals(new double[] {4, 5, 6, 7, 8, 9},
                Host.toDoubles(a.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all())), 0, "row view with an offset");
        assertArrayEquals(new double[] {1, 4, 7, 2, 5, 8, 3, 6, 9}, Host.toDoubles(a.transpose()), 0, "transpose");
        assertArrayEquals(new double[] {2, 5, 8},
                Host.toDoubles(a.get(NDArrayIndex.all(), NDArrayIndex.point(1))), 0, "column");
        INDArray f = a.castTo(DataType.FLOAT);
        assertArrayEquals(new double[] {7, 8, 9}, Host.toDoubles(f.getRow(2)), 0, "FLOAT row view");
    }

    @Test
    void copyRowsWritesARowRangeFromContiguousAndViewSources() {
        INDArray dst = Nd4j.zeros(DataType.FLOAT, 4, 3);
        Host.copyRows(Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}}), dst, 1);
        assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3, 4, 5, 6, 0, 0, 0}, Host.toFloats(dst, null));
        // A transposed (non-contiguous) source is copied in C order; a rank-3 destination counts rows on axis 0.
        INDArray t = Nd4j.createFromArray(new float[][] {{7, 9}, {8, 10}}).transpose();
        INDArray dst3 = Nd4j.zeros(DataType.FLOAT, 2, 1, 2);
        Host.copyRows(t.reshape(2, 1, 2), dst3, 0);
        assertArrayEquals(new float[] {7, 8, 9, 10}, Host.toFloats(dst3, null));
        // Views with an offset, as source (rows 1..2 of a matrix) and as destination (rows 2..3 of another).
        INDArray big = Nd4j.createFromArray(new float[][] {{1, 1, 1}, {2, 2, 2}, {3, 3, 3}});
        INDArray target = Nd4j.zeros(DataType.FLOAT, 5, 3);
        Host.copyRows(big.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()), target.get(NDArrayIndex.interval(2, 5),
                NDArrayIndex.all()), 1);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 3, 3, 3}, Host.toFloats(target, null));
        INDArray d = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        Host.copyRows(Nd4j.createFromArray(new double[][] {{0.5, -1.5}}), d, 1);
        assertArrayEquals(new double[] {0, 0, 0.5, -1.5}, Host.toDoubles(d), 0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Host.copyRows(Nd4j.ones(DataType.FLOAT, 2, 3), dst, 3));
        assertEquals("Host.copyRows: cannot copy FLOAT [2, 3] into rows 3.. of FLOAT [4, 3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Host.copyRows(Nd4j.ones(DataType.DOUBLE, 1, 3), dst, 0));
        assertThrows(IllegalArgumentException.class, () -> Host.copyRows(Nd4j.ones(DataType.FLOAT, 1, 2), dst, 0));
    }

    @Test
    void toDoublesReusesALargeEnoughBuffer() {
        INDArray a = Nd4j.createFromArray(new double[] {1, 2});
        double[] big = new double[5];
        big[4] = 99;
        double[] out = Host.toDoubles(a, big);
        assertSame(big, out);
        assertArrayEquals(new double[] {1, 2, 0, 0, 99}, out, 0);
        double[] small = new double[1];
        assertNotSame(small, Host.toDoubles(a, small));
    }

    @Test
    void toFloats() {
        INDArray d = Nd4j.createFromArray(new double[] {0.5, -1.5, 1e-3});
        assertArrayEquals(new float[] {0.5f, -1.5f, 1e-3f}, Host.toFloats(d, null), 0);
        float[] buf = new float[3];
        assertSame(buf, Host.toFloats(d.castTo(DataType.FLOAT), buf));
        assertArrayEquals(new float[] {0.5f, -1.5f, 1e-3f}, buf, 0);
    }

    @Test
    void fromDoublesConvertsToTheDestinationType() {
        INDArray d = Nd4j.create(DataType.DOUBLE, 2, 2);
        Host.fromDoubles(new double[] {1, 2, 3, 4, 5}, d);
        assertArrayEquals(new double[] {1, 2, 3, 4}, Host.toDoubles(d), 0);
        assertEquals(3.0, d.getDouble(1, 0), 0);
        INDArray f = Nd4j.create(DataType.FLOAT, 3);
        Host.fromDoubles(new double[] {0.1, 0.2, 0.3}, f);
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, Host.toFloats(f, null), 0);
    }

    @Test
    void fromDoublesIntoARowViewWritesOnlyThatRow() {
        INDArray a = Nd4j.zeros(DataType.DOUBLE, 3, 2);
        Host.fromDoubles(new double[] {7, 8}, a.getRow(1));
        assertArrayEquals(new double[] {0, 0, 7, 8, 0, 0}, Host.toDoubles(a), 0);
        INDArray f = Nd4j.zeros(DataType.FLOAT, 3, 2);
        Host.fromFloats(new float[] {5, 6}, f.getRow(2));
        assertArrayEquals(new double[] {0, 0, 0, 0, 5, 6}, Host.toDoubles(f), 0);
    }

    @Test
    void rejectsNonContiguousAndUnsupportedDestinations() {
        INDArray a = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> Host.fromDoubles(new double[6], a.transpose()));
        assertEquals("Host.fromDoubles needs a contiguous destination", t.getMessage());
        IllegalArgumentException i = assertThrows(IllegalArgumentException.class,
                () -> Host.fromDoubles(new double[2], Nd4j.zeros(DataType.INT, 2)));
        assertEquals("Host.fromDoubles supports FLOAT and DOUBLE, received INT", i.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> Host.fromFloats(new float[2], Nd4j.zeros(DataType.DOUBLE, 2)));
        assertEquals("Host.fromFloats needs a contiguous FLOAT destination", f.getMessage());
    }
}
