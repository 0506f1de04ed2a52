package org.sparkeras.spark;

import java.io.Serializable;

/**
 * One training sample as plain values: per model input its values flattened row-major, per
 * output its target values (a class index is one value), and a sample weight (1 when unweighted).
 * A {@code JavaRDD<Sample>} is the record form of training data; map your records to it.
 */
public record Sample(float[][] x, float[][] y, double weight) implements Serializable {
    /** An unweighted sample. */
    public static Sample of(float[][] x, float[][] y) {
        return new Sample(x, y, 1.0);
    }

    /** An unweighted sample of a single-input, single-output model. */
    public static Sample of(float[] x, float... y) {
        return new Sample(new float[][] {x}, new float[][] {y}, 1.0);
    }
}
