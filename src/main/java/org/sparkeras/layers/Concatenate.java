package org.sparkeras.layers;

import java.util.List;
import java.util.Map;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * Joins a list of inputs along one axis: {@code output = concat(x_1, ..., x_k, axis)}.
 *
 * <p>Arguments: axis (-1), counted with the batch dimension as in Keras: -1 is the last axis,
 * 1 the first after the batch; the batch axis 0 cannot be joined.
 *
 * <p>Shapes: two or more inputs of the same rank, equal in every dimension but the axis,
 * (batch, ..., d_i, ...) -> (batch, ..., d_1 + ... + d_k, ...).
 *
 * <pre>{@code KerasTensor concat = new Concatenate().apply(wide, deep);}</pre>
 */
public class Concatenate extends Merge {
    private final int axis;

    /** Joins along the last axis. */
    public Concatenate() {
        this(-1);
    }

    public Concatenate(int axis) {
        if (axis == 0) {
            throw new IllegalArgumentException("Concatenate: axis must not be the batch axis 0, received 0");
        }
        this.axis = axis;
    }

    @Override
    public void build(List<long[]> inputShapes) {
        // Checks the shapes before the layer counts as built.
        computeOutputShape(inputShapes);
    }

    @Override
    public Tensor call(List<Tensor> inputs, boolean training) {
        return Ops.concatenate(inputs, axis);
    }

    @Override
    public long[] computeOutputShape(List<long[]> inputShapes) {
        long[] first = inputShapes.get(0);
        int rank = first.length + 1;
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 1 || ax >= rank) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Concatenate): axis " + axis + " is out of range "
                    + "for inputs of rank " + rank + ": expected an axis in [1, " + (rank - 1) + "] or [" + (1 - rank)
                    + ", -1], received input shapes " + Shapes.list(inputShapes));
        }
        int d = ax - 1;
        long[] out = first.clone();
        out[d] = 0;
        for (long[] s : inputShapes) {
            boolean ok = s.length == first.length;
            for (int i = 0; ok && i < s.length; i++) {
                ok = i == d || s[i] == first[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("Layer \"" + name() + "\" (Concatenate) expects inputs with matching "
                        + "shapes except for the concatenation axis " + axis + ", received input shapes "
                        + Shapes.list(inputShapes));
            }
            out[d] += s[d];
        }
        return out;
    }

    public int axis() {
        return axis;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("axis", axis);
        return c;
    }
}
