package org.sparkeras.backend;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct CBLAS calls on the memory of row-major {@code INDArray}s. ND4J's own {@code Nd4j.gemm}
 * goes through a custom op with shape inference and validation on every call; calling CBLAS
 * directly costs about a microsecond. Arrays must be contiguous in C order (row views of a C-order
 * array are); {@link #contiguous(INDArray)} makes a copy when they are not. FLOAT and DOUBLE only.
 */
public final class Blas {
    private static final ThreadLocal<INDArray[]> ONES = ThreadLocal.withInitial(() -> new INDArray[2]);

    private Blas() {}

    /** {@code c = alpha * op(a) * op(b) + beta * c} for 2-D arrays. */
    public static void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c,
            double alpha, double beta) {
        int m = (int) (transA ? a.size(1) : a.size(0));
        int k = (int) (transA ? a.size(0) : a.size(1));
        int kb = (int) (transB ? b.size(1) : b.size(0));
        int n = (int) (transB ? b.size(0) : b.size(1));
        if (k != kb || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("gemm shapes do not match: " + shape(a) + (transA ? "^T" : "")
                    + " x " + shape(b) + (transB ? "^T" : "") + " -> " + shape(c));
        }
        checkContiguous(a, "a");
        checkContiguous(b, "b");
        checkContiguous(c, "c");
        if (m == 0 || n == 0) {
            return;
        }
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        int lda = (int) a.size(1), ldb = (int) b.size(1), ldc = (int) c.size(1);
        if (c.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha, fp(a), lda, fp(b), ldb,
                    (float) beta, fp(c), ldc);
        } else if (c.dataType() == DataType.DOUBLE) {
            openblas_nolapack.cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, dp(a), lda, dp(b), ldb, beta,
                    dp(c), ldc);
        } else {
            throw new IllegalArgumentException("gemm supports FLOAT and DOUBLE, received " + c.dataType());
        }
    }

    /** {@code y = alpha * sum over rows of a + beta * y}: the column sums of a [rows, cols] matrix. */
    public static void columnSums(INDArray a, INDArray y, double alpha, double beta) {
        checkContiguous(a, "a");
        checkContiguous(y, "y");
        int rows = (int) a.size(0), cols = (int) a.size(1);
        if (y.length() != cols) {
            throw new IllegalArgumentException("columnSums: y has " + y.length() + " elements, expected " + cols);
        }
        if (rows == 0) {
            if (beta != 1.0) {
                y.muli(beta);
            }
            return;
        }
        INDArray ones = ones(a.dataType(), rows);
        if (a.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemv(CblasRowMajor, CblasTrans, rows, cols, (float) alpha, fp(a), cols,
                    fp(ones), 1, (float) beta, fp(y), 1);
        } else {
            openblas_nolapack.cblas_dgemv(CblasRowMajor, CblasTrans, rows, cols, alpha, dp(a), cols, dp(ones), 1,
                    beta, dp(y), 1);
        }
    }

    /** {@code a[i, :] += v} for every row i of a [rows, cols] matrix (a rank-1 update). */
    public static void addRowVector(INDArray a, INDArray v) {
        checkContiguous(a, "a");
        checkContiguous(v, "v");
        int rows = (int) a.size(0), cols = (int) a.size(1);
        if (v.length() != cols) {
            throw new IllegalArgumentException("addRowVector: vector has " + v.length() + " elements, expected " + cols);
        }
        if (rows == 0) {
            return;
        }
        INDArray ones = ones(a.dataType(), rows);
        if (a.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_sger(CblasRowMajor, rows, cols, 1f, fp(ones), 1, fp(v), 1, fp(a), cols);
        } else {
            openblas_nolapack.cblas_dger(CblasRowMajor, rows, cols, 1.0, dp(ones), 1, dp(v), 1, dp(a), cols);
        }
    }

    /** {@code y += alpha * x} over all elements of two contiguous arrays of the same length. */
    public static void axpy(double alpha, INDArray x, INDArray y) {
        checkContiguous(x, "x");
        checkContiguous(y, "y");
        if (x.length() != y.length()) {
            throw new IllegalArgumentException("axpy: lengths differ, " + x.length() + " vs " + y.length());
        }
        if (y.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_saxpy((int) x.length(), (float) alpha, fp(x), 1, fp(y), 1);
        } else {
            openblas_nolapack.cblas_daxpy((int) x.length(), alpha, dp(x), 1, dp(y), 1);
        }
    }

    /** Whether the array's elements are laid out contiguously in C order (views included). */
    public static boolean isContiguous(INDArray a) {
        if (a.ordering() != 'c' && a.rank() > 1) {
            return false;
        }
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** The array itself when it is contiguous in C order, otherwise a C-order copy. */
    public static INDArray contiguous(INDArray a) {
        return isContiguous(a) ? a : a.dup('c');
    }

    private static void checkContiguous(INDArray a, String what) {
        if (!isContiguous(a)) {
            throw new IllegalArgumentException("BLAS argument " + what + " must be contiguous in C order, received "
                    + "shape " + shape(a) + " strides " + java.util.Arrays.toString(a.stride()) + " order " + a.ordering());
        }
    }

    private static INDArray ones(DataType type, int n) {
        INDArray[] cache = ONES.get();
        int slot = type == DataType.FLOAT ? 0 : 1;
        INDArray ones = cache[slot];
        if (ones == null || ones.length() < n) {
            ones = Nd4j.ones(type, Math.max(n, 256));
            cache[slot] = ones;
        }
        return ones;
    }

    private static FloatPointer fp(INDArray a) {
        return (FloatPointer) a.data().addressPointer();
    }

    private static DoublePointer dp(INDArray a) {
        return (DoublePointer) a.data().addressPointer();
    }

    private static String shape(INDArray a) {
        return java.util.Arrays.toString(a.shape());
    }
}
