package org.sparkeras.layers;

import java.util.Arrays;
import java.util.Map;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;

/**
 * Reshapes each sample to {@code targetShape} (per sample, batch excluded). One dimension may be -1
 * and is inferred. No weights.
 *
 * <pre>{@code new Reshape(28, 28)   // (None, 784) -> (None, 28, 28)}</pre>
 */
public class Reshape extends Layer {
    private final long[] targetShape;

    public Reshape(long... targetShape) {
        int unknown = 0;
        for (long d : targetShape) {
            if (d == -1) {
                unknown++;
            } else if (d <= 0) {
                throw new IllegalArgumentException("Reshape: target_shape dimensions must be positive or -1, received "
                        + Arrays.toString(targetShape));
            }
        }
        if (unknown > 1 || targetShape.length == 0) {
            throw new IllegalArgumentException("Reshape: target_shape needs at least one dimension and at most one -1, received "
                    + Arrays.toString(targetShape));
        }
        this.targetShape = targetShape.clone();
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        long[] out = computeOutputShape(Shapes.perSample(inputs.shape()));
        long[] full = new long[out.length + 1];
        full[0] = inputs.size(0);
        System.arraycopy(out, 0, full, 1, out.length);
        return Ops.reshape(inputs, full);
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        long total = Shapes.size(inputShape);
        long known = 1;
        int unknownAt = -1;
        for (int i = 0; i < targetShape.length; i++) {
            if (targetShape[i] == -1) {
                unknownAt = i;
            } else {
                known *= targetShape[i];
            }
        }
        long[] out = targetShape.clone();
        if (unknownAt >= 0) {
            if (total % known != 0) {
                throw incompatible(inputShape);
            }
            out[unknownAt] = total / known;
        } else if (known != total) {
            throw incompatible(inputShape);
        }
        return out;
    }

    @Override
    protected void checkInput(int index, long[] perSample) {
        computeOutputShape(perSample);
    }

    private IllegalArgumentException incompatible(long[] inputShape) {
        return new IllegalArgumentException("Layer \"" + name() + "\" cannot reshape input of shape "
                + Shapes.withBatch(inputShape) + " (" + Shapes.size(inputShape) + " values per sample) to target shape "
                + Shapes.withBatch(targetShape));
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("target_shape", Arrays.stream(targetShape).boxed().toList());
        return c;
    }
}
