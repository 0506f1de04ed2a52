package org.sparkeras.layers;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Host;
import org.sparkeras.initializers.Constant;
import org.sparkeras.initializers.Initializer;
import org.sparkeras.regularizers.Regularizer;

/**
 * Normalizes each feature and then scales and shifts it:
 * {@code output = gamma * (x - mean) / sqrt(variance + epsilon) + beta}.
 *
 * <p>In training (a call with training = true on a trainable layer), mean and variance are those
 * of the batch, over every axis but the feature axis (the population variance), the gradient flows
 * through them, and the moving statistics are updated:
 * {@code moving = moving * momentum + batch * (1 - momentum)}. At inference, and always when the
 * layer is frozen (as in Keras, a frozen BatchNormalization runs in inference mode), moving_mean
 * and moving_variance are used.
 *
 * <p>Arguments: axis (-1): the feature axis, counted with the batch dimension; momentum (0.99);
 * epsilon (0.001); center (true): learn the offset beta; scale (true): learn the factor gamma;
 * beta_initializer ("zeros"), gamma_initializer ("ones"), moving_mean_initializer ("zeros"),
 * moving_variance_initializer ("ones"); beta_regularizer and gamma_regularizer (none).
 *
 * <p>Weights, one value per feature each: trainable gamma (with scale) and beta (with center),
 * non-trainable moving_mean and moving_variance.
 *
 * <p>Shapes: (batch, ...) -> the same shape.
 *
 * <pre>{@code new Sequential(new Dense(300).inputShape(784), new BatchNormalization(), new Activation("relu"), ...)}</pre>
 */
public class BatchNormalization extends Layer {
    private int axis = -1;
    private double momentum = 0.99;
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private Initializer betaInitializer = Constant.zeros();
    private Initializer gammaInitializer = Constant.ones();
    private Initializer movingMeanInitializer = Constant.zeros();
    private Initializer movingVarianceInitializer = Constant.ones();
    private Regularizer betaRegularizer;
    private Regularizer gammaRegularizer;
    private Variable gamma;
    private Variable beta;
    private Variable movingMean;
    private Variable movingVariance;
    /** A host-written array copied into the moving statistics, which may be views of a flat vector. */
    private INDArray staging;

    public BatchNormalization() {}

    /** The feature axis, counted with the batch dimension (-1 is the last). */
    public BatchNormalization axis(int axis) {
        if (axis == 0) {
            throw new IllegalArgumentException("BatchNormalization: axis must not be the batch axis 0, received 0");
        }
        this.axis = axis;
        return this;
    }

    public BatchNormalization momentum(double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNormalization: momentum must be in [0, 1], received " + momentum);
        }
        this.momentum = momentum;
        return this;
    }

    public BatchNormalization epsilon(double epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("BatchNormalization: epsilon must be positive, received " + epsilon);
        }
        this.epsilon = epsilon;
        return this;
    }

    public BatchNormalization center(boolean center) {
        this.center = center;
        return this;
    }

    public BatchNormalization scale(boolean scale) {
        this.scale = scale;
        return this;
    }

    public BatchNormalization betaInitializer(Initializer initializer) {
        this.betaInitializer = initializer;
        return this;
    }

    public BatchNormalization betaInitializer(String name) {
        return betaInitializer(Initializer.get(name));
    }

    public BatchNormalization gammaInitializer(Initializer initializer) {
        this.gammaInitializer = initializer;
        return this;
    }

    public BatchNormalization gammaInitializer(String name) {
        return gammaInitializer(Initializer.get(name));
    }

    public BatchNormalization movingMeanInitializer(Initializer initializer) {
        this.movingMeanInitializer = initializer;
        return this;
    }

    public BatchNormalization movingMeanInitializer(String name) {
        return movingMeanInitializer(Initializer.get(name));
    }

    public BatchNormalization movingVarianceInitializer(Initializer initializer) {
        this.movingVarianceInitializer = initializer;
        return this;
    }

    public BatchNormalization movingVarianceInitializer(String name) {
        return movingVarianceInitializer(Initializer.get(name));
    }

    public BatchNormalization betaRegularizer(Regularizer regularizer) {
        this.betaRegularizer = regularizer;
        return this;
    }

    public BatchNormalization betaRegularizer(String name) {
        return betaRegularizer(Regularizer.get(name));
    }

    public BatchNormalization gammaRegularizer(Regularizer regularizer) {
        this.gammaRegularizer = regularizer;
        return this;
    }

    public BatchNormalization gammaRegularizer(String name) {
        return gammaRegularizer(Regularizer.get(name));
    }

    @Override
    public void build(long[] inputShape) {
        long[] shape = {inputShape[FeatureAxis.index(this, axis, inputShape)]};
        if (scale) {
            gamma = addWeight("gamma", shape, gammaInitializer, gammaRegularizer, true);
        }
        if (center) {
            beta = addWeight("beta", shape, betaInitializer, betaRegularizer, true);
        }
        movingMean = addWeight("moving_mean", shape, movingMeanInitializer, null, false);
        movingVariance = addWeight("moving_variance", shape, movingVarianceInitializer, null, false);
        staging = Nd4j.create(dtype(), shape);
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        Tensor mean, variance;
        if (training && trainable()) {
            mean = Ops.meanExceptAxis(inputs, axis);
            variance = Ops.varianceExceptAxis(inputs, axis);
            updateMoving(movingMean, mean.value());
            updateMoving(movingVariance, variance.value());
        } else {
            mean = movingMean.read();
            variance = movingVariance.read();
        }
        Tensor[] affine = affine(mean, variance);
        return Ops.addAlongAxis(Ops.multiplyAlongAxis(inputs, affine[0], axis), affine[1], axis);
    }

    /**
     * As Keras computes it: x * inv + (beta - mean * inv), with inv = gamma / sqrt(variance + epsilon),
     * so the full-size input is touched by two broadcasts and the rest is per-feature vectors.
     * Returns {inv, shift}.
     */
    private Tensor[] affine(Tensor mean, Tensor variance) {
        final double eps = epsilon;
        Tensor inv = Ops.elementwise("rsqrt", variance, v -> 1 / Math.sqrt(v + eps), (v, y) -> -0.5 * y * y * y);
        if (scale) {
            inv = Ops.multiply(inv, gamma.read());
        }
        Tensor meanTimesInv = Ops.multiply(mean, inv);
        Tensor shift = center ? Ops.subtract(beta.read(), meanTimesInv) : Ops.scale(meanTimesInv, -1);
        return new Tensor[] {inv, shift};
    }

    /**
     * The inference form as one per-feature affine map, {@code output = x * factor + offset}, computed
     * from the moving statistics with the same operations as {@link #call}: {factor, offset}, new
     * arrays of one value per feature. The layer must be built.
     */
    public INDArray[] inferenceAffine() {
        if (!isBuilt()) {
            throw new IllegalStateException("Layer \"" + name() + "\" (BatchNormalization) is not built: it has no "
                    + "moving statistics yet");
        }
        Tensor[] affine = affine(Tensor.constant(movingMean.value()), Tensor.constant(movingVariance.value()));
        return new INDArray[] {affine[0].value().dup(), affine[1].value().dup()};
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        FeatureAxis.index(this, axis, inputShape);
        return inputShape.clone();
    }

    /** moving = moving * momentum + batch * (1 - momentum), written into the variable's own array. */
    private void updateMoving(Variable moving, INDArray batch) {
        double[] m = Host.toDoubles(moving.value());
        double[] b = Host.toDoubles(batch);
        for (int c = 0; c < m.length; c++) {
            m[c] = m[c] * momentum + b[c] * (1 - momentum);
        }
        Host.fromDoubles(m, staging);
        moving.assign(staging);
    }

    /** Requires the rank and the size of the feature axis the layer was built for. */
    @Override
    protected void checkInput(int index, long[] perSample) {
        FeatureAxis.check(this, axis, index, perSample);
    }

    /** The feature axis, counted with the batch dimension. */
    public int axis() {
        return axis;
    }

    public Variable gamma() {
        return gamma;
    }

    public Variable beta() {
        return beta;
    }

    public Variable movingMean() {
        return movingMean;
    }

    public Variable movingVariance() {
        return movingVariance;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("axis", axis);
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        c.put("center", center);
        c.put("scale", scale);
        c.put("beta_initializer", Dense.describe(betaInitializer.name(), betaInitializer.getConfig()));
        c.put("gamma_initializer", Dense.describe(gammaInitializer.name(), gammaInitializer.getConfig()));
        c.put("moving_mean_initializer", Dense.describe(movingMeanInitializer.name(), movingMeanInitializer.getConfig()));
        c.put("moving_variance_initializer",
                Dense.describe(movingVarianceInitializer.name(), movingVarianceInitializer.getConfig()));
        c.put("beta_regularizer", betaRegularizer == null ? null
                : Dense.describe(betaRegularizer.name(), betaRegularizer.getConfig()));
        c.put("gamma_regularizer", gammaRegularizer == null ? null
                : Dense.describe(gammaRegularizer.name(), gammaRegularizer.getConfig()));
        return c;
    }
}
