package org.sparkeras.initializers;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.saving.Registry;

/** Creates the initial value of a weight of a given shape. */
public abstract class Initializer {

    /** A new array of this shape and type holding initial values. */
    public abstract INDArray initialize(long[] shape, DataType dtype);

    /** The constructor arguments, by Keras name. */
    public abstract Map<String, Object> getConfig();

    /** The Keras identifier of this initializer ("glorot_uniform"). */
    public abstract String name();

    /** Resolves a Keras initializer name. */
    public static Initializer get(String name) {
        return Registry.get(Registry.Kind.INITIALIZER, name, Initializer.class);
    }

    /** fan_in and fan_out as Keras computes them: for [in, out] kernels, in and out. */
    static double[] fans(long[] shape) {
        if (shape.length == 0) {
            return new double[] {1, 1};
        }
        if (shape.length == 1) {
            return new double[] {shape[0], shape[0]};
        }
        if (shape.length == 2) {
            return new double[] {shape[0], shape[1]};
        }
        double receptive = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            receptive *= shape[i];
        }
        return new double[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
    }

    static long count(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    @Override
    public String toString() {
        return name() + getConfig();
    }
}
