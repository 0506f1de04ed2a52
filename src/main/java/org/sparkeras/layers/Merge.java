package org.sparkeras.layers;

import java.util.ArrayList;
import java.util.List;
import org.sparkeras.autodiff.Tensor;

/**
 * The base of layers that take several inputs (Concatenate, Add, Multiply, ...). Subclasses
 * implement the list forms of {@code build}, {@code call} and {@code computeOutputShape}; the
 * single-input forms are not available.
 */
public abstract class Merge extends Layer {

    /** Creates weights for inputs of these per-sample shapes; the default creates none. */
    public void build(List<long[]> inputShapes) {
    }

    /** Computes the layer on a batch of each input. */
    public abstract Tensor call(List<Tensor> inputs, boolean training);

    /** The per-sample output shape for these per-sample input shapes. */
    public abstract long[] computeOutputShape(List<long[]> inputShapes);

    @Override
    public final Tensor call(Tensor inputs, boolean training) {
        throw new IllegalArgumentException("Layer \"" + name() + "\" (" + className() + ") expects a list of at least 2 "
                + "inputs, received 1");
    }

    @Override
    public final long[] computeOutputShape(long[] inputShape) {
        throw new IllegalArgumentException("Layer \"" + name() + "\" (" + className() + ") expects a list of at least 2 "
                + "inputs, received 1");
    }

    /** Builds on first use, checks the input count and calls the layer (recorded by an active {@link CallTrace}). */
    public Tensor apply(List<Tensor> inputs, boolean training) {
        CallTrace trace = CallTrace.enter();
        Tensor out = null;
        try {
            List<long[]> shapes = new ArrayList<>();
            for (Tensor t : inputs) {
                shapes.add(Shapes.perSample(t.shape()));
            }
            buildFor(shapes);
            out = call(inputs, training);
            return out;
        } finally {
            if (trace != null) {
                trace.exit(this, inputs, out == null ? null : List.of(out));
            }
        }
    }

    @Override
    public List<long[]> inferShapes(List<long[]> inputShapes) {
        return List.of(buildFor(inputShapes));
    }

    @Override
    public List<Tensor> invoke(List<Tensor> inputs, boolean training) {
        return List.of(apply(inputs, training));
    }

    /** Checks the number of inputs, builds once, and returns the output shape. */
    long[] buildFor(List<long[]> shapes) {
        if (shapes.size() < 2) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (" + className()
                    + ") should be called on a list of at least 2 inputs, received " + shapes.size());
        }
        if (!isBuilt()) {
            build(shapes);
            markMergeBuilt(shapes);
        }
        return computeOutputShape(shapes);
    }
}
