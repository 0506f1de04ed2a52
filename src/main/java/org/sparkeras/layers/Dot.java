package org.sparkeras.layers;

import java.util.List;
import java.util.Map;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * The per-sample dot product of two inputs: {@code output[i] = sum_j a[i, j] b[i, j]}. With
 * normalize, each sample is first L2-normalized along the axis ({@code x / max(||x||, 1e-7)}), so
 * the output is the cosine similarity of the two samples.
 *
 * <p>Arguments: axes (required): the axis of the product, one for both inputs or one per input,
 * counted with the batch dimension (for rank-2 inputs 1 or -1); normalize (false).
 *
 * <p>Shapes: exactly two inputs (batch, d) and (batch, d) -> (batch, 1). Only rank-2 inputs are
 * supported.
 *
 * <pre>{@code KerasTensor similarity = new Dot(1).normalize(true).apply(userVector, itemVector);}</pre>
 */
public class Dot extends Merge {
    private final int[] axes;
    private final boolean singleAxis;
    private boolean normalize;

    /** The product along {@code axes} of both inputs. */
    public Dot(int axes) {
        this.axes = new int[] {axes, axes};
        this.singleAxis = true;
    }

    /** The product along {@code axesA} of the first input and {@code axesB} of the second. */
    public Dot(int axesA, int axesB) {
        this.axes = new int[] {axesA, axesB};
        this.singleAxis = false;
    }

    /** Whether to L2-normalize each sample along the axis first (cosine similarity). */
    public Dot normalize(boolean normalize) {
        this.normalize = normalize;
        return this;
    }

    @Override
    public void build(List<long[]> inputShapes) {
        // Checks the shapes before the layer counts as built.
        computeOutputShape(inputShapes);
    }

    @Override
    public Tensor call(List<Tensor> inputs, boolean training) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Dot) expects exactly 2 inputs, received "
                    + inputs.size());
        }
        return Ops.batchDot(inputs.get(0), inputs.get(1), normalize);
    }

    @Override
    public long[] computeOutputShape(List<long[]> inputShapes) {
        if (inputShapes.size() != 2) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Dot) expects exactly 2 inputs, received "
                    + inputShapes.size());
        }
        long[] a = inputShapes.get(0), b = inputShapes.get(1);
        if (a.length != 1 || b.length != 1) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Dot) expects rank-2 inputs (batch, features), "
                    + "received input shapes " + Shapes.list(inputShapes));
        }
        for (int axis : axes) {
            if (axis != 1 && axis != -1) {
                throw new IllegalArgumentException("Layer \"" + name() + "\" (Dot) expects axes 1 or -1 for rank-2 inputs "
                        + "(0 is the batch axis), received axes " + axesValue());
            }
        }
        if (a[0] != b[0]) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Dot) expects equal dimensions along the axes, "
                    + "received " + a[0] + " (input 0, axis " + axes[0] + ") and " + b[0] + " (input 1, axis " + axes[1]
                    + "); input shapes " + Shapes.list(inputShapes));
        }
        return new long[] {1};
    }

    public boolean normalize() {
        return normalize;
    }

    /** The axes as Keras stores them: one integer, or a pair. */
    private Object axesValue() {
        return singleAxis ? (Object) axes[0] : List.of(axes[0], axes[1]);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("axes", axesValue());
        c.put("normalize", normalize);
        return c;
    }
}
