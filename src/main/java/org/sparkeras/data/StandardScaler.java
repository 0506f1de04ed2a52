package org.sparkeras.data;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Standardizes features column by column, as scikit-learn's {@code StandardScaler}: {@link #fit}
 * learns each column's mean and population standard deviation (divisor n, scikit-learn's {@code
 * ddof=0}) from a matrix {@code [samples, features]}, and {@link #transform} maps every value
 * {@code v} of column {@code j} to {@code (v - mean[j]) / scale[j]}. Fit on the training data only
 * and transform the validation and test data with the same statistics, so that nothing about them
 * leaks into training.
 *
 * <p>A column whose values are all equal has standard deviation 0; its scale is 1, as in
 * scikit-learn, so it is centred to 0 instead of divided by 0. Statistics are computed in double;
 * {@link #transform} returns a new FLOAT array and leaves its input unchanged. Fitting again
 * replaces the statistics.
 *
 * <pre>{@code
 * StandardScaler scaler = new StandardScaler().fit(xTrain);
 * INDArray xTrainScaled = scaler.transform(xTrain);   // column means 0, standard deviations 1
 * INDArray xTestScaled = scaler.transform(xTest);     // the training means and scales
 * }</pre>
 */
public final class StandardScaler {
    private double[] mean;
    private double[] scale;

    /**
     * Learns the mean and scale of every column of {@code x}.
     *
     * @param x a matrix {@code [samples, features]} of finite values, at least one sample
     * @return this scaler
     * @throws IllegalArgumentException when {@code x} is not a matrix, has no samples or holds a
     *     value that is not finite (named by row and column)
     */
    public StandardScaler fit(INDArray x) {
        checkMatrix("fit", x);
        if (x.size(0) == 0 || x.size(1) == 0) {
            throw new IllegalArgumentException("StandardScaler.fit: expected at least one sample and one feature,"
                    + " received shape " + Arrays.toString(x.shape()));
        }
        double[][] rows = x.toDoubleMatrix();
        int n = rows.length;
        int cols = rows[0].length;
        double[] sum = new double[cols];
        double[] min = new double[cols];
        double[] max = new double[cols];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < cols; j++) {
                double v = rows[i][j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(String.format("StandardScaler.fit: expected finite values,"
                            + " found %s at row %d, column %d", v, i, j));
                }
                sum[j] += v;
                min[j] = Math.min(min[j], v);
                max[j] = Math.max(max[j], v);
            }
        }
        double[] m = new double[cols];
        for (int j = 0; j < cols; j++) {
            m[j] = sum[j] / n;
        }
        // Two passes (mean, then squared deviations) rather than sum of squares minus squared sum,
        // which cancels badly when the mean is large next to the spread (Population, Longitude).
        double[] squares = new double[cols];
        for (double[] row : rows) {
            for (int j = 0; j < cols; j++) {
                double d = row[j] - m[j];
                squares[j] += d * d;
            }
        }
        double[] s = new double[cols];
        for (int j = 0; j < cols; j++) {
            // min == max rather than variance == 0: the computed mean of equal values can differ from
            // them by a rounding error, which would leave a tiny non-zero variance to divide by.
            s[j] = min[j] == max[j] ? 1.0 : Math.sqrt(squares[j] / n);
        }
        mean = m;
        scale = s;
        return this;
    }

    /**
     * {@code (x - mean) / scale} column by column with the fitted statistics, as a new FLOAT array
     * of the shape of {@code x}.
     *
     * @throws IllegalStateException when the scaler has not been fitted
     * @throws IllegalArgumentException when {@code x} is not a matrix with the fitted column count
     */
    public INDArray transform(INDArray x) {
        requireFitted("transform");
        checkMatrix("transform", x);
        if (x.size(1) != mean.length) {
            throw new IllegalArgumentException(String.format("StandardScaler.transform: expected %d columns (the"
                    + " number seen by fit), received shape %s", mean.length, Arrays.toString(x.shape())));
        }
        INDArray meanRow = Nd4j.create(mean, new long[] {1, mean.length}, DataType.DOUBLE);
        INDArray scaleRow = Nd4j.create(scale, new long[] {1, scale.length}, DataType.DOUBLE);
        return x.castTo(DataType.DOUBLE).subRowVector(meanRow).diviRowVector(scaleRow).castTo(DataType.FLOAT);
    }

    /** The mean of every column seen by {@link #fit} (scikit-learn's {@code mean_}); a copy. */
    public double[] mean() {
        requireFitted("mean");
        return mean.clone();
    }

    /**
     * The divisor of every column (scikit-learn's {@code scale_}): the population standard deviation,
     * or 1 for a constant column; a copy.
     */
    public double[] scale() {
        requireFitted("scale");
        return scale.clone();
    }

    private void requireFitted(String method) {
        if (mean == null) {
            throw new IllegalStateException("StandardScaler." + method + ": this scaler is not fitted yet; call fit"
                    + " with the training features first");
        }
    }

    private static void checkMatrix(String method, INDArray x) {
        if (x == null || x.rank() != 2) {
            throw new IllegalArgumentException("StandardScaler." + method + ": expected a matrix [samples, features],"
                    + " received " + (x == null ? "null" : "shape " + Arrays.toString(x.shape())));
        }
    }
}
