package org.sparkeras.layers;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A model input, as Keras's {@code keras.Input}: a symbolic tensor of a per-sample shape, produced
 * by its own {@link InputLayer}.
 *
 * <pre>{@code
 * var model = new Sequential(Input.of(28, 28), new Flatten(), new Dense(10, "softmax"));
 * Input wide = Input.of("wide_input", 5);
 * }</pre>
 */
public final class Input extends KerasTensor {
    private Input(InputLayer layer, long[] shape, DataType dtype) {
        super(shape, dtype, layer.name(), layer);
    }

    /** An input of this per-sample shape, named automatically ("input_layer", ...). */
    public static Input of(long... shape) {
        return of(null, DataType.FLOAT, shape);
    }

    /** A named input of this per-sample shape. */
    public static Input of(String name, long... shape) {
        return of(name, DataType.FLOAT, shape);
    }

    /** A named input of this per-sample shape and data type (FLOAT or DOUBLE). */
    public static Input of(String name, DataType dtype, long... shape) {
        InputLayer layer = new InputLayer(shape);
        if (name != null) {
            layer.named(name);
        }
        layer.dtype(dtype);
        return new Input(layer, shape, dtype);
    }

    /** The layer that produces this input. */
    public InputLayer layer() {
        return (InputLayer) source();
    }
}
