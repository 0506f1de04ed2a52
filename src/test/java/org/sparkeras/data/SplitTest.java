package org.sparkeras.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SplitTest {
    /** [n, 2, 3] features whose sample i holds 100 i + 0..5. */
    private static INDArray features(int n) {
        float[] v = new float[n * 6];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) {
                v[i * 6 + j] = 100 * i + j;
            }
        }
        return Nd4j.create(v, new long[] {n, 2, 3}, DataType.FLOAT);
    }

    /** [n] labels whose sample i holds i. */
    private static INDArray labels(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return Nd4j.create(v, new long[] {n}, DataType.DOUBLE);
    }

    private static int[] sampleIds(INDArray labels) {
        double[] v = labels.data().asDouble();
        int[] ids = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            ids[i] = (int) v[i];
        }
        return ids;
    }

    private static void assertAligned(INDArray x, INDArray y) {
        int[] ids = sampleIds(y);
        for (int r = 0; r < ids.length; r++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(100f * ids[r] + j, x.getFloat(r, j / 3, j % 3), "row " + r + " element " + j);
            }
        }
    }

    @Test
    void holdOutPartitionsTheSamplesKeepingArraysAligned() {
        Split s = Split.holdOut(List.of(features(20), labels(20)), 5, 42);

        assertEquals(2, s.train().size());
        assertEquals(2, s.validation().size());
        assertArrayEquals(new long[] {15, 2, 3}, s.train().get(0).shape());
        assertArrayEquals(new long[] {15}, s.train().get(1).shape());
        assertArrayEquals(new long[] {5, 2, 3}, s.validation().get(0).shape());
        assertArrayEquals(new long[] {5}, s.validation().get(1).shape());
        assertEquals(DataType.FLOAT, s.train().get(0).dataType());
        assertEquals(DataType.DOUBLE, s.train().get(1).dataType());
        assertAligned(s.train().get(0), s.train().get(1));
        assertAligned(s.validation().get(0), s.validation().get(1));

        int[] all = new int[20];
        int[] train = sampleIds(s.train().get(1));
        int[] validation = sampleIds(s.validation().get(1));
        System.arraycopy(train, 0, all, 0, 15);
        System.arraycopy(validation, 0, all, 15, 5);
        Arrays.sort(all);
        int[] expected = new int[20];
        Arrays.setAll(expected, i -> i);
        assertArrayEquals(expected, all);
        // The permutation of seed 42 (SplittableRandom, Fisher-Yates), pinned so that a change of the
        // shuffle, which would change every seeded run, is noticed.
        assertArrayEquals(new int[] {4, 14, 17, 1, 7}, validation);
        assertArrayEquals(new int[] {12, 8, 18, 13, 5, 3, 0, 2, 10, 16, 19, 15, 9, 6, 11}, train);
    }

    @Test
    void holdOutIsDeterministicForASeedAndDiffersAcrossSeeds() {
        List<INDArray> data = List.of(features(50), labels(50));

        Split a = Split.holdOut(data, 10, 7);
        Split b = Split.holdOut(data, 10, 7);
        Split c = Split.holdOut(data, 10, 8);

        assertArrayEquals(sampleIds(a.validation().get(1)), sampleIds(b.validation().get(1)));
        assertArrayEquals(sampleIds(a.train().get(1)), sampleIds(b.train().get(1)));
        assertEquals(a.train().get(0), b.train().get(0));
        assertFalse(Arrays.equals(sampleIds(a.validation().get(1)), sampleIds(c.validation().get(1))));
    }

    @Test
    void holdOutLeavesTheInputUntouched() {
        INDArray y = labels(10);

        Split s = Split.holdOut(List.of(y), 3, 1);
        s.train().get(0).assign(-1);

        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sampleIds(y));
    }

    @Test
    void holdOutRefusesCountsThatLeaveAPartEmpty() {
        List<INDArray> data = List.of(labels(10));

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Split.holdOut(data, 0, 1));
        assertEquals("Split.holdOut: validationCount must be between 1 and 9 (the sample count minus 1) so that both"
                + " parts hold samples, received 0", none.getMessage());
        IllegalArgumentException all = assertThrows(IllegalArgumentException.class,
                () -> Split.holdOut(data, 10, 1));
        assertEquals("Split.holdOut: validationCount must be between 1 and 9 (the sample count minus 1) so that both"
                + " parts hold samples, received 10", all.getMessage());
    }

    @Test
    void sampleCountMismatchNamesBothCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Split.holdOut(List.of(features(10), labels(9)), 2, 1));
        assertEquals("Split.holdOut: sample counts differ: array 0 has 10 samples, array 1 has 9 (shape [9])",
                e.getMessage());

        IllegalArgumentException last = assertThrows(IllegalArgumentException.class,
                () -> Split.last(List.of(labels(4), labels(4), features(5)), 0.5));
        assertEquals("Split.last: sample counts differ: array 0 has 4 samples, array 2 has 5 (shape [5, 2, 3])",
                last.getMessage());

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Split.last(List.of(), 0.5));
        assertEquals("Split.last: expected at least one array, received none", empty.getMessage());
    }

    @Test
    void lastTakesTheFinalFractionInOrderLikeKerasValidationSplit() {
        Split s = Split.last(List.of(features(10), labels(10)), 0.2);

        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, sampleIds(s.train().get(1)));
        assertArrayEquals(new int[] {8, 9}, sampleIds(s.validation().get(1)));
        assertArrayEquals(new long[] {8, 2, 3}, s.train().get(0).shape());
        assertArrayEquals(new long[] {2, 2, 3}, s.validation().get(0).shape());
        assertAligned(s.train().get(0), s.train().get(1));
        assertAligned(s.validation().get(0), s.validation().get(1));
    }

    @Test
    void lastSplitsWhereKerasFloorPutsTheSplitPoint() {
        // Keras: split_at = floor(n * (1 - fraction)), in double arithmetic.
        assertEquals(3, Split.last(List.of(labels(7)), 0.5).train().get(0).length()); // floor(3.5)
        assertEquals(2, Split.last(List.of(labels(3)), 0.1).train().get(0).length()); // floor(2.7)
        // 1 - 0.7 is 0.30000000000000004, so 10 * that floors to 3, not 2
        assertEquals(3, Split.last(List.of(labels(10)), 0.7).train().get(0).length());
        assertEquals(7, Split.last(List.of(labels(10)), 0.7).validation().get(0).length());
        assertEquals(900, Split.last(List.of(labels(1000)), 0.1).train().get(0).length());
    }

    @Test
    void lastRefusesSplitsThatLeaveAPartEmptyAndFractionsOutsideZeroToOne() {
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> Split.last(List.of(labels(1)), 0.1));
        assertEquals("Split.last: 1 samples are not enough to split with fraction 0.1: the training part would hold 0"
                + " and the validation part 1 samples; provide more data or another fraction", tooFew.getMessage());
        IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class,
                () -> Split.last(List.of(labels(10)), 1e-17));
        assertEquals("Split.last: 10 samples are not enough to split with fraction 1.0E-17: the training part would"
                + " hold 10 and the validation part 0 samples; provide more data or another fraction",
                tiny.getMessage());
        for (double f : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Split.last(List.of(labels(10)), f));
            assertEquals("Split.last: fraction must be between 0 and 1 (exclusive), received " + f, e.getMessage());
        }
    }

    @Test
    void splitListsCannotBeModified() {
        Split s = Split.last(List.of(labels(4)), 0.5);

        assertThrows(UnsupportedOperationException.class, () -> s.train().add(labels(1)));
    }
}
