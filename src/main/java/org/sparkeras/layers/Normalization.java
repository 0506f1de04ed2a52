package org.sparkeras.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Host;
import org.sparkeras.initializers.Constant;

/**
 * Shifts and scales inputs to mean 0 and standard deviation 1, feature by feature:
 * {@code output = (x - mean) / max(sqrt(variance), 1e-7)}; with invert, the reverse,
 * {@code output = mean + x * max(sqrt(variance), 1e-7)}. The mean and variance are either given
 * or computed from data by {@link #adapt} before the layer is used; calling a layer that has
 * neither fails.
 *
 * <p>Arguments: axis (-1): the feature axis, counted with the batch dimension, whose positions
 * each keep their own mean and variance (the statistics are taken over every other axis); mean
 * and variance (none): fixed values, one per feature or one for all, given together; invert
 * (false).
 *
 * <p>Weights: without given values, the non-trainable "mean" and "variance" (one value per
 * feature; zeros and ones until adapted) and "count" (the number of values each statistic was
 * computed from; 0 until adapted). With given values, none.
 *
 * <p>Shapes: (batch, ...) -> the same shape.
 *
 * <pre>{@code
 * Normalization norm = new Normalization();
 * norm.adapt(xTrain);                         // per-column mean and variance of the training data
 * var model = new Sequential(norm, new Dense(30, "relu"), new Dense(1));
 * }</pre>
 */
public class Normalization extends Layer {
    /** Keras's backend epsilon: the smallest standard deviation divided by. */
    private static final double EPSILON = 1e-7;

    private final int axis;
    private double[] mean;
    private double[] variance;
    private boolean invert;
    private Variable adaptMean;
    private Variable adaptVariance;
    private Variable count;
    private int features;

    /** Normalizes each position of the last axis. */
    public Normalization() {
        this(-1);
    }

    /** Normalizes each position of {@code axis} (counted with the batch dimension). */
    public Normalization(int axis) {
        if (axis == 0) {
            throw new IllegalArgumentException("Normalization: axis must not be the batch axis 0, received 0");
        }
        this.axis = axis;
    }

    /** Fixed means, one per feature or one for all; give the variance too. */
    public Normalization mean(double... values) {
        this.mean = checkValues("mean", values);
        return this;
    }

    /** Fixed variances, one per feature or one for all; give the mean too. */
    public Normalization variance(double... values) {
        for (double v : values) {
            if (!(v >= 0)) {
                throw new IllegalArgumentException("Layer \"" + name() + "\" (Normalization): variance must be >= 0, "
                        + "received " + Arrays.toString(values));
            }
        }
        this.variance = checkValues("variance", values);
        return this;
    }

    /** Whether to apply the inverse transformation (de-normalize). */
    public Normalization invert(boolean invert) {
        this.invert = invert;
        return this;
    }

    private double[] checkValues(String what, double[] values) {
        if (isBuilt()) {
            throw new IllegalStateException("Layer \"" + name() + "\" is already built; set " + what + " before use");
        }
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Normalization): " + what
                    + " needs at least one value, received none");
        }
        return values.clone();
    }

    @Override
    public void build(long[] inputShape) {
        int ax = FeatureAxis.index(this, axis, inputShape);
        features = (int) inputShape[ax];
        if ((mean == null) != (variance == null)) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Normalization): mean and variance must both be "
                    + "set or both be omitted, received mean=" + Arrays.toString(mean) + " and variance="
                    + Arrays.toString(variance));
        }
        if (mean != null) {
            for (double[] v : List.of(mean, variance)) {
                if (v.length != 1 && v.length != features) {
                    throw new IllegalArgumentException("Layer \"" + name() + "\" (Normalization): expected 1 or " + features
                            + " values of mean and variance for axis " + axis + " of input shape "
                            + Shapes.withBatch(inputShape) + ", received " + mean.length + " and " + variance.length);
                }
            }
            return;
        }
        long[] shape = {features};
        adaptMean = addWeight("mean", shape, Constant.zeros(), null, false);
        adaptVariance = addWeight("variance", shape, Constant.ones(), null, false);
        count = addWeight("count", new long[0], Constant.zeros(), null, false);
    }

    /**
     * Computes the mean and the population variance of {@code data} (samples first) over every axis
     * but the feature axis, in double precision, and stores them in the layer's weights, replacing
     * earlier ones. Builds the layer for the per-sample shape of {@code data} if needed.
     */
    public void adapt(INDArray data) {
        if (mean != null) {
            throw new IllegalStateException("Layer \"" + name() + "\" (Normalization) was given mean and variance; "
                    + "adapt() is only available without them");
        }
        long[] shape = data.shape();
        if (shape.length < 2 || shape[0] == 0) {
            throw new IllegalArgumentException("Layer \"" + name() + "\" (Normalization): adapt expects data of shape "
                    + "(samples, features...) with at least one sample, received shape " + Shapes.of(shape));
        }
        buildFor(Shapes.perSample(shape));
        int ax = FeatureAxis.index(this, axis, Shapes.perSample(shape)) + 1;
        long outer = 1, inner = 1;
        for (int i = 0; i < ax; i++) {
            outer *= shape[i];
        }
        for (int i = ax + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        double[] x = Host.toDoubles(data);
        double[] m = new double[features];
        double[] v = new double[features];
        int i = 0;
        for (long o = 0; o < outer; o++) {
            for (int c = 0; c < features; c++) {
                for (long k = 0; k < inner; k++) {
                    m[c] += x[i++];
                }
            }
        }
        long n = outer * inner;
        for (int c = 0; c < features; c++) {
            m[c] /= n;
        }
        i = 0;
        for (long o = 0; o < outer; o++) {
            for (int c = 0; c < features; c++) {
                for (long k = 0; k < inner; k++) {
                    double d = x[i++] - m[c];
                    v[c] += d * d;
                }
            }
        }
        for (int c = 0; c < features; c++) {
            v[c] /= n;
        }
        adaptMean.assign(Nd4j.createFromArray(m).castTo(dtype()));
        adaptVariance.assign(Nd4j.createFromArray(v).castTo(dtype()));
        count.assign(Nd4j.scalar(dtype(), (double) n));
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        Statistics s = statistics();
        DataType type = inputs.dtype();
        Tensor meanT = Tensor.constant(Nd4j.createFromArray(s.mean()).castTo(type));
        Tensor stdT = Tensor.constant(Nd4j.createFromArray(s.std()).castTo(type));
        if (invert) {
            return Ops.addAlongAxis(Ops.multiplyAlongAxis(inputs, stdT, axis), meanT, axis);
        }
        return Ops.divideAlongAxis(Ops.subtractAlongAxis(inputs, meanT, axis), stdT, axis);
    }

    /** The per-feature mean and divisor {@code max(sqrt(variance), 1e-7)} the layer applies, one value per feature. */
    public record Statistics(double[] mean, double[] std) {}

    /**
     * The statistics {@link #call} uses: the given values, or those of {@link #adapt}; fails when the
     * layer is not built or was never adapted.
     */
    public Statistics statistics() {
        if (!isBuilt()) {
            throw new IllegalStateException("Layer \"" + name() + "\" (Normalization) is not built: it has no statistics yet");
        }
        double[] m, v;
        if (mean != null) {
            m = perFeature(mean);
            v = perFeature(variance);
        } else {
            if (count.value().getDouble(0) == 0) {
                throw new IllegalStateException("Layer \"" + name() + "\" (Normalization) has not been adapted: call "
                        + "adapt(data) before using it, or give mean and variance");
            }
            m = Host.toDoubles(adaptMean.value());
            v = Host.toDoubles(adaptVariance.value());
        }
        double[] std = new double[features];
        for (int c = 0; c < features; c++) {
            std[c] = Math.max(Math.sqrt(v[c]), EPSILON);
        }
        return new Statistics(m.clone(), std);
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        FeatureAxis.index(this, axis, inputShape);
        return inputShape.clone();
    }

    /** Requires the rank and the size of the feature axis the layer was built for. */
    @Override
    protected void checkInput(int index, long[] perSample) {
        FeatureAxis.check(this, axis, index, perSample);
    }

    private double[] perFeature(double[] values) {
        if (values.length == features) {
            return values;
        }
        double[] out = new double[features];
        Arrays.fill(out, values[0]);
        return out;
    }

    public int axis() {
        return axis;
    }

    /** Whether the layer applies the inverse transformation. */
    public boolean invert() {
        return invert;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("axis", List.of(axis));
        c.put("invert", invert);
        c.put("mean", configValue(mean));
        c.put("variance", configValue(variance));
        return c;
    }

    /** As Keras stores the given values: a number for one value, a list for several, null for none. */
    private static Object configValue(double[] values) {
        if (values == null) {
            return null;
        }
        if (values.length == 1) {
            return values[0];
        }
        List<Double> l = new ArrayList<>();
        for (double v : values) {
            l.add(v);
        }
        return l;
    }
}
