package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every value equal to {@code value}. {@link #zeros()} (the default bias initializer) and
 * {@link #ones()} are Keras's Zeros and Ones.
 */
public final class Constant extends Initializer {
    private final double value;
    private final String name;

    public Constant(double value) {
        this(value, "constant");
    }

    private Constant(double value, String name) {
        this.value = value;
        this.name = name;
    }

    /** Keras's "zeros". */
    public static Constant zeros() {
        return new Constant(0.0, "zeros");
    }

    /** Keras's "ones". */
    public static Constant ones() {
        return new Constant(1.0, "ones");
    }

    @Override
    public INDArray initialize(long[] shape, DataType dtype) {
        return Nd4j.valueArrayOf(shape, value, dtype);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        if (name.equals("constant")) {
            c.put("value", value);
        }
        return c;
    }

    @Override
    public String name() {
        return name;
    }
}
