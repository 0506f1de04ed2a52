package org.sparkeras.layers;

/**
 * The feature axis of the normalization layers (Normalization, BatchNormalization): resolving a
 * Keras axis (negative counts from the end, the batch axis excluded) and checking later inputs
 * against the shape the layer was built for.
 */
final class FeatureAxis {
    private FeatureAxis() {}

    /** The index of the feature axis in a per-sample shape. */
    static int index(Layer layer, int axis, long[] perSample) {
        int rank = perSample.length + 1;
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 1 || ax >= rank) {
            throw new IllegalArgumentException("Layer \"" + layer.name() + "\" (" + layer.className() + "): axis " + axis
                    + " is out of range for inputs of rank " + rank + ": expected an axis in [1, " + (rank - 1) + "] or ["
                    + (1 - rank) + ", -1], received input shape " + Shapes.withBatch(perSample));
        }
        return ax - 1;
    }

    /** Requires the rank and the size of the feature axis the layer was built for. */
    static void check(Layer layer, int axis, int index, long[] perSample) {
        long[] expected = layer.builtInputShape();
        if (expected == null) {
            return;
        }
        int ax = index(layer, axis, expected);
        if (perSample.length != expected.length || perSample[ax] != expected[ax]) {
            throw new IllegalArgumentException("Input " + index + " of layer \"" + layer.name() + "\" is incompatible: "
                    + "expected shape " + Shapes.withBatch(expected) + " with " + expected[ax] + " features along axis "
                    + axis + ", received " + Shapes.withBatch(perSample));
        }
    }
}
