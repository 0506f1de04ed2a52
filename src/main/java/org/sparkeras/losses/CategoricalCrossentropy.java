package org.sparkeras.losses;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cross-entropy between one-hot (or soft) targets and predicted class probabilities, as Keras's
 * {@code CategoricalCrossentropy}:
 *
 * <pre>
 *   q    = y_pred / sum(y_pred)                              (each row normalised, as Keras does)
 *   loss = -sum(y_true * log(clip(q, 1e-7, 1 - 1e-7)))
 *   loss = sum(y_true * (logsumexp(x) - x))                  (from_logits: x are logits)
 * </pre>
 *
 * <p>Arguments: {@code from_logits} (false): whether the predictions are logits rather than
 * probabilities. After a softmax output (and {@code from_logits=false}) the gradient is taken with
 * respect to the softmax input, {@code p * sum(y_true) - y_true}.
 *
 * <p>Shapes: targets and predictions {@code (batch, ..., classes)}. Integer class labels belong to
 * {@link SparseCategoricalCrossentropy}.
 *
 * <pre>{@code
 * model.compile("sgd", new CategoricalCrossentropy(), "accuracy");
 * }</pre>
 */
public class CategoricalCrossentropy extends Loss {
    private boolean fromLogits = false;

    /** Expects probabilities ({@code from_logits=false}). */
    public CategoricalCrossentropy() {}

    public CategoricalCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    /** Whether the predictions are logits. */
    public CategoricalCrossentropy fromLogits(boolean fromLogits) {
        this.fromLogits = fromLogits;
        return this;
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public String name() {
        return "categorical_crossentropy";
    }

    @Override
    protected String fusedActivation() {
        return fromLogits ? null : "softmax";
    }

    @Override
    protected void validate(INDArray yTrue, long[] predShape) {
        long rows = rows(predShape);
        long cols = predShape.length <= 1 ? 1 : predShape[predShape.length - 1];
        if (cols > 1 && yTrue.length() == rows && yTrue.length() != rows * cols) {
            throw new IllegalArgumentException(mismatch(yTrue.shape(), predShape) + "; expected one-hot targets of shape "
                    + shapeString(predShape) + ". The targets look like integer class labels: use "
                    + "sparse_categorical_crossentropy for class-index targets");
        }
        super.validate(yTrue, predShape);
    }

    @Override
    protected void compute(double[] yTrue, double[] yPred, int rows, int cols, double[] losses, double[] grad,
            boolean logits) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double sumY = 0;
            for (int c = 0; c < cols; c++) {
                sumY += yTrue[o + c];
            }
            if (fromLogits) {
                double lse = logSumExp(yPred, o, cols);
                double loss = 0;
                for (int c = 0; c < cols; c++) {
                    loss += yTrue[o + c] * (lse - yPred[o + c]);
                }
                losses[r] = loss;
                if (grad != null) {
                    for (int c = 0; c < cols; c++) {
                        grad[o + c] = sumY * Math.exp(yPred[o + c] - lse) - yTrue[o + c];
                    }
                }
                continue;
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += yPred[o + c];
            }
            double loss = 0;
            // dot = sum_k g_k q_k with g_k = dL/dq_k, zero where the clip is active.
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                double q = yPred[o + c] / sum;
                loss -= yTrue[o + c] * Math.log(Math.min(Math.max(q, EPSILON), 1 - EPSILON));
                if (q >= EPSILON && q <= 1 - EPSILON) {
                    dot -= yTrue[o + c];
                }
            }
            losses[r] = loss;
            if (grad == null) {
                continue;
            }
            for (int c = 0; c < cols; c++) {
                if (logits) {
                    grad[o + c] = sumY * yPred[o + c] - yTrue[o + c];
                } else {
                    double q = yPred[o + c] / sum;
                    double g = q >= EPSILON && q <= 1 - EPSILON ? -yTrue[o + c] / q : 0;
                    grad[o + c] = (g - dot) / sum;
                }
            }
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("from_logits", fromLogits);
        return c;
    }
}
