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
