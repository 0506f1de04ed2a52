package org.sparkeras.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BlasTest {

    private static INDArray random(DataType type, long seed, long rows, long cols) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round((r.nextDouble() * 4 - 2) * 8) / 8.0; // multiples of 1/8: exact in FLOAT
        }
        return Nd4j.createFromArray(v).reshape('c', rows, cols).castTo(type);
    }

    /** Rows [from, from + rows) of a larger random matrix: a C-contiguous view with an offset. */
    private static INDArray rowView(DataType type, long seed, long from, long rows, long cols) {
        INDArray big = random(type, seed, from + rows + 2, cols);
        INDArray view = big.get(NDArrayIndex.interval(from, from + rows), NDArrayIndex.all());
        assertTrue(view.offset() > 0, "the view should start inside its buffer");
        return view;
    }

    private static double[][] naive(double[][] a, boolean ta, double[][] b, boolean tb, double[][] c, double alpha, double beta) {
        int m = ta ? a[0].length : a.length, k = ta ? a.length : a[0].length, n = tb ? b.length : b[0].length;
        double[][] out = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (ta ? a[p][i] : a[i][p]) * (tb ? b[j][p] : b[p][j]);
                }
                out[i][j] = alpha * s + beta * c[i][j];
            }
        }
        return out;
    }

    private static double[][] rows(INDArray a) {
        double[][] out = new double[(int) a.size(0)][(int) a.size(1)];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = a.getDouble(i, j);
            }
        }
        return out;
    }

    private static void assertMatrix(double[][] expected, INDArray actual, double tol) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual.getDouble(i, j), tol, "[" + i + ", " + j + "]");
            }
        }
    }

    @Test
    void gemmAllTransposesAgainstNaiveLoops() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = 3, k = 4, n = 5;
                    INDArray a = ta ? random(type, 1, k, m) : random(type, 1, m, k);
                    INDArray b = tb ? random(type, 2, n, k) : random(type, 2, k, n);
                    INDArray c = random(type, 3, m, n);
                    double[][] expected = naive(rows(a), ta, rows(b), tb, rows(c), 0.5, 2.0);
                    Blas.gemm(a, ta, b, tb, c, 0.5, 2.0);
                    assertMatrix(expected, c, type == DataType.FLOAT ? 1e-5 : 1e-12);
                }
            }
        }
    }

    @Test
    void gemmOnRowViewsWithOffsets() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = 2, k = 3, n = 4;
                    INDArray a = ta ? rowView(type, 4, 2, k, m) : rowView(type, 4, 2, m, k);
                    INDArray b = tb ? rowView(type, 5, 1, n, k) : rowView(type, 5, 1, k, n);
                    INDArray cBig = random(type, 6, 6, n);
                    INDArray before = cBig.dup();
                    INDArray c = cBig.get(NDArrayIndex.interval(3, 3 + m), NDArrayIndex.all());
                    double[][] expected = naive(rows(a), ta, rows(b), tb, rows(c), 1.0, 1.0);
                    Blas.gemm(a, ta, b, tb, c, 1.0, 1.0);
                    assertMatrix(expected, c, type == DataType.FLOAT ? 1e-5 : 1e-12);
                    // Rows outside the view are untouched.
                    for (int row : new int[] {0, 1, 2, 5}) {
                        assertEquals(before.getRow(row), cBig.getRow(row), type + " row " + row);
                    }
                }
            }
        }
    }

    @Test
    void gemmWithBetaZeroIgnoresGarbage() {
        INDArray a = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}});
        INDArray b = Nd4j.createFromArray(new double[][] {{5, 6}, {7, 8}});
        INDArray c = Nd4j.valueArrayOf(new long[] {2, 2}, Double.NaN, DataType.DOUBLE);
        Blas.gemm(a, false, b, false, c, 1.0, 0.0);
        assertArrayEquals(new double[] {19, 22, 43, 50}, Host.toDoubles(c), 0);
    }

    @Test
    void gemmRejectsMismatchedShapes() {
        INDArray a = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        INDArray c = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Blas.gemm(a, false, Nd4j.zeros(DataType.DOUBLE, 4, 2), false, c, 1, 0));
        assertEquals("gemm shapes do not match: [2, 3] x [4, 2] -> [2, 2]", e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> Blas.gemm(a.transpose(), false, Nd4j.zeros(DataType.DOUBLE, 2, 2), false, Nd4j.zeros(DataType.DOUBLE, 3, 2), 1, 0));
        assertTrue(t.getMessage().startsWith("BLAS argument a must be contiguous in C order"), t.getMessage());
    }

    @Test
    void columnSums() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}).castTo(type);
            INDArray y = Nd4j.createFromArray(new double[] {10, 20, 30}).castTo(type);
            Blas.columnSums(a, y, 2.0, 1.0);
            assertArrayEquals(new double[] {20, 34, 48}, Host.toDoubles(y), 0, type.toString());
            Blas.columnSums(a, y, 1.0, 0.0);
            assertArrayEquals(new double[] {5, 7, 9}, Host.toDoubles(y), 0, type.toString());
        }
        // More rows than the cached vector of ones holds (256), on a view with an offset.
        INDArray tall = Nd4j.ones(DataType.DOUBLE, 310, 2);
        INDArray view = tall.get(NDArrayIndex.interval(5, 305), NDArrayIndex.all());
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2);
        Blas.columnSums(view, y, 1.0, 0.0);
        assertArrayEquals(new double[] {300, 300}, Host.toDoubles(y), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Blas.columnSums(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.DOUBLE, 2), 1, 0));
        assertEquals("columnSums: y has 2 elements, expected 3", e.getMessage());
    }

    @Test
    void addRowVector() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}).castTo(type);
            Blas.addRowVector(a, Nd4j.createFromArray(new double[] {0.5, -1, 10}).castTo(type));
            assertArrayEquals(new double[] {1.5, 1, 13, 4.5, 4, 16}, Host.toDoubles(a), 0, type.toString());
        }
        INDArray big = Nd4j.zeros(DataType.DOUBLE, 4, 2);
        Blas.addRowVector(big.get(NDArrayIndex.interval(2, 4), NDArrayIndex.all()), Nd4j.createFromArray(new double[] {1, 2}));
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, 2, 1, 2}, Host.toDoubles(big), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Blas.addRowVector(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.DOUBLE, 4)));
        assertEquals("addRowVector: vector has 4 elements, expected 3", e.getMessage());
    }

    @Test
    void axpy() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.createFromArray(new double[] {1, 2, 3}).castTo(type);
            INDArray y = Nd4j.createFromArray(new double[] {10, 20, 30}).castTo(type);
            Blas.axpy(-0.5, x, y);
            assertArrayEquals(new double[] {9.5, 19, 28.5}, Host.toDoubles(y), 0, type.toString());
        }
        // On slices of a flat vector, as the optimizers use it.
        INDArray flat = Nd4j.createFromArray(new double[] {1, 1, 1, 1, 1, 1});
        Blas.axpy(2.0, flat.get(NDArrayIndex.interval(0, 2)), flat.get(NDArrayIndex.interval(3, 5)));
        assertArrayEquals(new double[] {1, 1, 1, 3, 3, 1}, Host.toDoubles(flat), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Blas.axpy(1, Nd4j.zeros(DataType.DOUBLE, 2), Nd4j.zeros(DataType.DOUBLE, 3)));
        assertEquals("axpy: lengths differ, 2 vs 3", e.getMessage());
    }

    @Test
    void contiguousDetection() {
        INDArray a = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        assertTrue(Blas.isContiguous(a));
        assertTrue(Blas.isContiguous(a.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all())), "row view");
        assertTrue(Blas.isContiguous(a.getRow(2)), "single row");
        assertFalse(Blas.isContiguous(a.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2))), "column slice");
        assertFalse(Blas.isContiguous(a.transpose()), "transpose");
        assertFalse(Blas.isContiguous(Nd4j.create(DataType.DOUBLE, new long[] {4, 3}, 'f')), "Fortran order");
        assertTrue(Blas.isContiguous(Nd4j.zeros(DataType.DOUBLE, 5)), "vector");
        assertTrue(Blas.isContiguous(Nd4j.zeros(DataType.DOUBLE, 2, 3, 4)), "rank 3");
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        INDArray a = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertSame(a, Blas.contiguous(a));
        INDArray t = a.transpose();
        INDArray c = Blas.contiguous(t);
        assertNotSame(t, c);
        assertTrue(Blas.isContiguous(c));
        assertArrayEquals(new long[] {3, 2}, c.shape());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, Host.toDoubles(c), 0);
    }
}
