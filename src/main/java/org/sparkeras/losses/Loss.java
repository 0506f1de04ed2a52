package org.sparkeras.losses;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.autodiff.Op;
import org.sparkeras.autodiff.Tape;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.ArrayPool;
import org.sparkeras.backend.Host;
import org.sparkeras.saving.Registry;

/**
 * A loss function with Keras's default reduction, {@code sum_over_batch_size}: the per-sample losses,
 * multiplied by the sample weights when given, summed and divided by the number of samples.
 *
 * <p>Predictions are viewed as rows of {@code cols} values (the last axis); targets as rows of
 * {@link #targetColumns(int)} values. Subclasses implement {@link #compute} on those rows.
 */
public abstract class Loss {

    /** The Keras identifier ("mean_squared_error"). */
    public abstract String name();

    /** The constructor arguments by Keras name. */
    public abstract Map<String, Object> getConfig();

    /**
     * Per-row losses of {@code rows} rows of {@code cols} predictions. When {@code grad} is not
     * null, also writes the gradient of each row's loss with respect to the predictions, or with
     * respect to the logits when {@code logits} is set (the predictions then came out of
     * {@link #fusedActivation()}).
     */
    protected abstract void compute(double[] yTrue, double[] yPred, int rows, int cols, double[] losses,
            double[] grad, boolean logits);

    /** The number of target values per row for predictions with {@code cols} values per row. */
    protected int targetColumns(int cols) {
        return cols;
    }

    /**
     * The activation ("softmax", "sigmoid") whose input this loss can differentiate directly when
     * the prediction comes out of it, or null.
     */
    protected String fusedActivation() {
        return null;
    }

    /** Checks the targets against the predictions; the message names the loss and both shapes. */
    protected void validate(INDArray yTrue, long[] predShape) {
        long[] t = yTrue.shape();
        long rows = rows(predShape);
        long cols = predShape.length <= 1 ? 1 : predShape[predShape.length - 1];
        if (yTrue.length() != rows * targetColumns((int) cols) || t.length == 0 || t[0] != predShape[0]) {
            throw new IllegalArgumentException(mismatch(t, predShape));
        }
    }

    protected String mismatch(long[] trueShape, long[] predShape) {
        return "Loss \"" + name() + "\": targets of shape " + shapeString(trueShape)
                + " do not match predictions of shape " + shapeString(predShape);
    }

    /**
     * Checks a whole target array against predictions of {@code predShape} before training starts:
     * shapes, and the values themselves (labels in range), by running the loss on uniform
     * predictions. Fails with the loss's message naming what is wrong.
     */
    public void checkTargets(INDArray yTrue, long[] predShape) {
        validate(yTrue, predShape);
        int rows = (int) rows(predShape);
        int cols = predShape.length <= 1 ? 1 : (int) predShape[predShape.length - 1];
        double[] yp = new double[rows * cols];
        java.util.Arrays.fill(yp, 1.0 / Math.max(cols, 2));
        compute(Host.toDoubles(yTrue), yp, rows, cols, new double[rows], null, false);
    }

    /** The mean loss over the batch as a scalar tensor, recorded on the active tape. */
    public Tensor call(INDArray yTrue, Tensor yPred, INDArray sampleWeight) {
        long[] shape = yPred.shape();
        validate(yTrue, shape);
        int samples = (int) shape[0];
        if (sampleWeight != null && sampleWeight.length() != samples) {
            throw new IllegalArgumentException("Loss \"" + name() + "\": sample weights of shape "
                    + shapeString(sampleWeight.shape()) + " do not match " + samples
                    + " samples; expected one weight per sample, shape (" + samples + ",)");
        }
        int rows = (int) rows(shape);
        int cols = shape.length <= 1 ? 1 : (int) shape[shape.length - 1];
        if (rows == 0) {
            // an empty batch has nothing to average or differentiate: 0, as Keras's divide_no_nan
            INDArray zero = ArrayPool.alloc(yPred.dtype());
            zero.assign(0);
            return Tensor.constant(zero);
        }
        Tensor target = yPred;
        boolean logits = false;
        Op creator = yPred.creator();
        if (creator != null && fusedActivation() != null && fusedActivation().equals(creator.activation())) {
            target = creator.input(0);
            logits = true;
        }
        boolean needGrad = Tape.active() != null && target.requiresGrad();
        double[] yt = Host.toDoubles(yTrue);
        double[] yp = Host.toDoubles(yPred.value());
        double[] losses = new double[rows];
        double[] grad = needGrad ? new double[rows * cols] : null;
        compute(yt, yp, rows, cols, losses, grad, logits);
        double[] w = sampleWeight == null ? null : Host.toDoubles(sampleWeight);
        int perSample = Math.max(1, rows / Math.max(1, samples));
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double wr = w == null ? 1 : w[r / perSample];
            total += wr * losses[r];
            if (grad != null) {
                double f = wr / rows;
                for (int c = 0; c < cols; c++) {
                    grad[r * cols + c] *= f;
                }
            }
        }
        double mean = rows == 0 ? 0 : total / rows;
        INDArray value = ArrayPool.alloc(yPred.dtype());
        value.assign(mean);
        if (!needGrad) {
            return Tensor.constant(value);
        }
        return new LossOp(target, grad, target.shape()).result(value);
    }

    /** Per-sample (per-row) losses without reduction, for inspection and tests. */
    public double[] perSample(INDArray yTrue, INDArray yPred) {
        long[] shape = yPred.shape();
        validate(yTrue, shape);
        int rows = (int) rows(shape);
        int cols = shape.length <= 1 ? 1 : (int) shape[shape.length - 1];
        double[] losses = new double[rows];
        if (rows == 0) {
            return losses;
        }
        compute(Host.toDoubles(yTrue), Host.toDoubles(yPred), rows, cols, losses, null, false);
        return losses;
    }

    /** Resolves a Keras loss name ("mse", "sparse_categorical_crossentropy", ...). */
    public static Loss get(String name) {
        return Registry.get(Registry.Kind.LOSS, name, Loss.class);
    }

    /** Keras's fuzz factor, {@code keras.config.epsilon()}: probabilities are clipped to [EPSILON, 1 - EPSILON]. */
    static final double EPSILON = 1e-7;

    /** log(sum(exp(x[off .. off + n)))), shifted by the maximum so that no exponent overflows. */
    static double logSumExp(double[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, x[off + c]);
        }
        if (Double.isInfinite(max)) {
            return max;
        }
        double sum = 0;
        for (int c = 0; c < n; c++) {
            sum += Math.exp(x[off + c] - max);
        }
        return max + Math.log(sum);
    }

    static long rows(long[] shape) {
        if (shape.length <= 1) {
            return shape.length == 0 ? 1 : shape[0];
        }
        long r = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            r *= shape[i];
        }
        return r;
    }

    static String shapeString(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public String toString() {
        return name() + getConfig();
    }

    /** The scalar loss on the tape; its backward hands the precomputed gradient to the target. */
    private static final class LossOp extends Op {
        private final double[] grad;
        private final long[] shape;

        LossOp(Tensor target, double[] grad, long[] shape) {
            super(target);
            this.grad = grad;
            this.shape = shape;
        }

        Tensor result(INDArray value) {
            return output(value);
        }

        @Override
        protected void backward(Tape tape, INDArray g) {
            double seed = g.getDouble(0);
            double[] d = grad;
            if (seed != 1.0) {
                d = Arrays.copyOf(grad, grad.length);
                for (int i = 0; i < d.length; i++) {
                    d[i] *= seed;
                }
            }
            INDArray out = ArrayPool.alloc(g.dataType(), shape);
            Host.fromDoubles(d, out);
            tape.accumulate(inputs[0], out, false);
        }

        @Override
        public String name() {
            return "Loss";
        }
    }
}
