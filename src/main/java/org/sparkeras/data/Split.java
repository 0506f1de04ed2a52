package org.sparkeras.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A train/validation split of sample-aligned arrays (features, labels, sample weights: the first
 * dimension of every array counts the same samples). Both parts hold new arrays, in the order of
 * the input list, with the data type of the input.
 *
 * <ul>
 *   <li>{@link #holdOut} draws {@code validationCount} samples at random with a seed: the same seed
 *       gives the same split, and both parts come in shuffled order.
 *   <li>{@link #last} is Keras's {@code validation_split}: the last {@code fraction} of the samples,
 *       in their order and before any shuffling, with the split point {@code floor(n * (1 -
 *       fraction))}.
 * </ul>
 *
 * <pre>{@code
 * Split s = Split.holdOut(List.of(x, y), 5000, 42);
 * model.fit(s.train().get(0), s.train().get(1),
 *     Fit.epochs(20).validationData(s.validation().get(0), s.validation().get(1)));
 * }</pre>
 *
 * @param train the training part of every array
 * @param validation the validation part of every array
 */
public record Split(List<INDArray> train, List<INDArray> validation) {
    public Split {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * Holds out {@code validationCount} samples chosen at random: the samples are permuted with
     * {@code seed}, the first {@code validationCount} of the permutation form the validation part
     * and the rest the training part.
     */
    public static Split holdOut(List<INDArray> arrays, int validationCount, long seed) {
        int n = sampleCount("Split.holdOut", arrays);
        if (validationCount < 1 || validationCount >= n) {
            throw new IllegalArgumentException(String.format("Split.holdOut: validationCount must be between 1 and %d"
                    + " (the sample count minus 1) so that both parts hold samples, received %d", n - 1,
                    validationCount));
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] validation = Arrays.copyOfRange(order, 0, validationCount);
        int[] train = Arrays.copyOfRange(order, validationCount, n);
        return new Split(take(arrays, train), take(arrays, validation));
    }

    /**
     * Keras's {@code validation_split}: the first {@code floor(n * (1 - fraction))} samples train,
     * the rest validate, in their original order.
     */
    public static Split last(List<INDArray> arrays, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("Split.last: fraction must be between 0 and 1 (exclusive), received "
                    + fraction);
        }
        int n = sampleCount("Split.last", arrays);
        // The expression Keras evaluates, in the same double arithmetic, so the split point matches.
        int splitAt = (int) Math.floor(n * (1.0 - fraction));
        if (splitAt == 0 || splitAt == n) {
            throw new IllegalArgumentException(String.format("Split.last: %d samples are not enough to split with"
                    + " fraction %s: the training part would hold %d and the validation part %d samples; provide"
                    + " more data or another fraction", n, fraction, splitAt, n - splitAt));
        }
        int[] train = new int[splitAt];
        for (int i = 0; i < splitAt; i++) {
            train[i] = i;
        }
        int[] validation = new int[n - splitAt];
        for (int i = 0; i < validation.length; i++) {
            validation[i] = splitAt + i;
        }
        return new Split(take(arrays, train), take(arrays, validation));
    }

    private static int sampleCount(String method, List<INDArray> arrays) {
        if (arrays == null || arrays.isEmpty()) {
            throw new IllegalArgumentException(method + ": expected at least one array, received none");
        }
        long n = -1;
        for (int i = 0; i < arrays.size(); i++) {
            INDArray a = arrays.get(i);
            if (a == null) {
                throw new IllegalArgumentException(method + ": array " + i + " is null");
            }
            if (a.rank() < 1) {
                throw new IllegalArgumentException(String.format("%s: array %d must have the samples along its first"
                        + " dimension, received a scalar", method, i));
            }
            if (i == 0) {
                n = a.size(0);
            } else if (a.size(0) != n) {
                throw new IllegalArgumentException(String.format("%s: sample counts differ: array 0 has %d samples,"
                        + " array %d has %d (shape %s)", method, n, i, a.size(0),
                        Arrays.toString(a.shape())));
            }
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(method + ": at most " + Integer.MAX_VALUE + " samples, received " + n);
        }
        return (int) n;
    }

    private static List<INDArray> take(List<INDArray> arrays, int[] rows) {
        List<INDArray> out = new ArrayList<>(arrays.size());
        for (INDArray a : arrays) {
            long n = a.size(0);
            // shape() may hand out the array's own shape buffer: copy before changing it
            long[] shape = a.shape().clone();
            // pullRows gathers rows of a matrix: view every sample as one row, gather, restore the shape.
            INDArray matrix = a.reshape('c', new long[] {n, a.length() / Math.max(n, 1)});
            INDArray picked = Nd4j.pullRows(matrix, 1, rows);
            shape[0] = rows.length;
            out.add(picked.reshape('c', shape));
        }
        return out;
    }
}
