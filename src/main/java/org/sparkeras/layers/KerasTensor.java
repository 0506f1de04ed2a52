package org.sparkeras.layers;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A symbolic tensor: the per-sample shape and data type of a value that will flow through a model,
 * and the layer that produces it. Models are declared with these (see {@link Input}); no values are
 * computed.
 */
public class KerasTensor {
    private final long[] shape;
    private final DataType dtype;
    private final String name;
    private final Layer source;

    public KerasTensor(long[] perSampleShape, DataType dtype, String name, Layer source) {
        this.shape = perSampleShape.clone();
        this.dtype = dtype;
        this.name = name;
        this.source = source;
    }

    /** The per-sample shape (without the batch dimension). */
    public long[] shape() {
        return shape.clone();
    }

    public DataType dtype() {
        return dtype;
    }

    public String name() {
        return name;
    }

    /** The layer producing this tensor. */
    public Layer source() {
        return source;
    }

    @Override
    public String toString() {
        return "<KerasTensor name=" + name + ", shape=" + Shapes.withBatch(shape) + ", dtype="
                + (dtype == DataType.DOUBLE ? "float64" : "float32") + ">";
    }
}
