package org.sparkeras.layers;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A symbolic tensor: the per-sample shape and data type of a value that will flow through a model,
 * and the node (layer application) that produces it. Functional models are declared with these;
 * no values are computed.
 */
public class KerasTensor {
    private final long[] shape;
    private final DataType dtype;
    private final String name;
    private final Layer source;
    private Node node;

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

    /** The layer application producing this tensor, or null for a model input. */
    public Node node() {
        return node;
    }

    void setNode(Node node) {
        this.node = node;
    }

    @Override
    public String toString() {
        return "<KerasTensor name=" + name + ", shape=" + Shapes.withBatch(shape) + ", dtype="
                + (dtype == DataType.DOUBLE ? "float64" : "float32") + ">";
    }
}
