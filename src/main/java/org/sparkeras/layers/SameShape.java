package org.sparkeras.layers;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The input check shared by the element-wise merge layers (Add, Subtract, Multiply, Average,
 * Maximum, Minimum): every input has the same per-sample shape, which is also the output shape.
 */
final class SameShape {
    private SameShape() {}

    /** The common shape of {@code shapes}, or an error naming the layer and listing every shape. */
    static long[] of(Layer layer, List<long[]> shapes) {
        long[] first = shapes.get(0);
        for (long[] s : shapes) {
            if (!Arrays.equals(s, first)) {
                throw new IllegalArgumentException("Layer \"" + layer.name() + "\" (" + layer.className()
                        + ") expects inputs of the same shape, received shapes " + list(shapes));
            }
        }
        return first.clone();
    }

    /** Per-sample shapes as Keras prints them: {@code (None, 3), (None, 4)}. */
    static String list(List<long[]> shapes) {
        return shapes.stream().map(Shapes::withBatch).collect(Collectors.joining(", "));
    }
}
