package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.autodiff.Variable;

/**
 * Three variables packed in one store: {@code a} [2, 2] and {@code c} [2] trainable, {@code b} [3]
 * frozen between them, so the store has two trainable runs. Each step sets known gradients, with
 * 5.0 for the frozen variable, which must never move it. The expected numbers in the tests come
 * from the Keras formulas evaluated with numpy (float64 arithmetic, weights rounded to float32
 * after every step, as the store keeps them).
 */
final class OptimizerFixture {
    static final float[] A0 = {0.5f, -1.0f, 1.5f, 2.0f};
    static final float[] B0 = {1f, 2f, 3f};
    static final float[] C0 = {-0.5f, 0.25f};
    /** Per step: a's four gradients, b's three, c's two. */
    static final float[][] GRADS = {
        {0.1f, -0.2f, 0.3f, 0.4f, 5f, 5f, 5f, -0.6f, 0.05f},
        {-0.05f, 0.1f, 0.2f, -0.3f, 5f, 5f, 5f, 0.2f, 0.01f},
        {0.02f, -0.01f, -0.4f, 0.1f, 5f, 5f, 5f, -0.1f, 0.3f},
    };
    static final double TOLERANCE = 1e-6;

    final Variable a;
    final Variable b;
    final Variable c;
    final ParameterStore store;
    private final DataType type;

    OptimizerFixture() {
        this(DataType.FLOAT);
    }

    OptimizerFixture(DataType type) {
        this.type = type;
        a = new Variable("dense/kernel", Nd4j.createFromArray(A0).reshape(2, 2).castTo(type), true);
        b = new Variable("frozen/kernel", Nd4j.createFromArray(B0).castTo(type), false);
        c = new Variable("dense_1/bias", Nd4j.createFromArray(C0).castTo(type), true);
        store = new ParameterStore(List.of(a, b, c), type);
    }

    /** Sets the gradients of step {@code t} (0-based) and applies one update. */
    void step(Optimizer opt, int t) {
        store.grads().assign(Nd4j.createFromArray(GRADS[t]).castTo(type));
        opt.apply(store);
    }

    /** Applies the first {@code steps} steps. */
    OptimizerFixture run(Optimizer opt, int steps) {
        for (int t = 0; t < steps; t++) {
            step(opt, t);
        }
        return this;
    }

    /** The whole flat parameter vector [a, b, c]. */
    double[] values() {
        return store.values().toDoubleVector();
    }

    /** Asserts a and c to {@link #TOLERANCE} and the frozen b exactly unchanged. */
    void assertValues(float[] expectedA, float[] expectedC) {
        double[] v = values();
        assertEquals(9, v.length);
        for (int i = 0; i < 4; i++) {
            assertEquals(expectedA[i], v[i], TOLERANCE, "a[" + i + "]");
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(B0[i], v[4 + i], 0.0, "frozen b[" + i + "]");
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(expectedC[i], v[7 + i], TOLERANCE, "c[" + i + "]");
        }
        // the variables are views of the store
        assertArrayEquals(new double[] {v[0], v[1], v[2], v[3]}, a.value().reshape(4).toDoubleVector());
        assertArrayEquals(new double[] {v[7], v[8]}, c.value().toDoubleVector());
    }
}
