package org.sparkeras.losses;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;

/**
 * Cross-entropy between integer class labels and predicted class probabilities, as Keras's
 * {@code SparseCategoricalCrossentropy}:
 *
 * <pre>
 *   q    = y_pred / sum(y_pred)                      (each row normalised, as Keras does)
 *   loss = -log(clip(q[label], 1e-7, 1 - 1e-7))
 *   loss = logsumexp(x) - x[label]                   (from_logits: x are logits)
 * </pre>
 *
 * <p>Arguments: {@code from_logits} (false): whether the predictions are logits rather than
 * probabilities. After a softmax output (and {@code from_logits=false}) the gradient is taken with
 * respect to the softmax input, {@code p - onehot(label)}, which stays exact where the clipped
 * probability form would vanish.
 *
 * <p>Shapes: predictions {@code (batch, ..., classes)}; targets hold one label per prediction row,
 * of shape {@code (batch, ...)} or {@code (batch, ..., 1)}, in any numeric type; a label must be an
 * integer in {@code [0, classes)}. One-hot targets belong to {@link CategoricalCrossentropy}.
 *
 * <pre>{@code
 * model.compile("adam", new SparseCategoricalCrossentropy().fromLogits(true), "accuracy");
 * }</pre>
 */
public class SparseCategoricalCrossentropy extends Loss {
    private boolean fromLogits = false;

    /** Expects probabilities ({@code from_logits=false}). */
    public SparseCategoricalCrossentropy() {}

    public SparseCategoricalCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    /** Whether the predictions are logits. */
    public SparseCategoricalCrossentropy fromLogits(boolean fromLogits) {
        this.fromLogits = fromLogits;
        return this;
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public String name() {
        return "sparse_categorical_crossentropy";
    }

    @Override
    protected int targetColumns(int cols) {
        return 1;
    }

    @Override
    protected String fusedActivation() {
        // Logits are already the softmax input: a softmax in front of them is part of the model.
        return fromLogits ? null : "softmax";
    }

    @Override
    protected void validate(INDArray yTrue, long[] predShape) {
        long[] t = yTrue.shape();
        long rows = rows(predShape);
        long cols = predShape.length <= 1 ? 1 : predShape[predShape.length - 1];
        if (yTrue.length() != rows || t.length == 0 || t[0] != predShape[0]) {
            StringBuilder m = new StringBuilder(mismatch(t, predShape))
                    .append("; expected integer class labels of shape ").append(labelShape(predShape, false))
                    .append(" or ").append(labelShape(predShape, true));
            if (cols > 1 && yTrue.length() == rows * cols) {
                m.append(". The targets look one-hot encoded: use categorical_crossentropy for one-hot targets");
            }
            throw new IllegalArgumentException(m.toString());
        }
        if (rows == 0) {
            return;
        }
        double[] labels = Host.toDoubles(yTrue);
        long perSample = Math.max(1, rows / Math.max(1, predShape[0]));
        for (int i = 0; i < labels.length; i++) {
            double v = labels[i];
            if (!(v >= 0 && v < cols) || v != Math.rint(v)) {
                String where = "sample " + (i / perSample) + (perSample > 1 ? ", position " + (i % perSample) : "");
                throw new IllegalArgumentException("Loss \"" + name() + "\": label " + labelString(v) + " at " + where
                        + " is not a valid class index; expected an integer in [0, " + cols + ") for predictions of shape "
                        + shapeString(predShape));
            }
        }
    }

    @Override
    protected void compute(double[] yTrue, double[] yPred, int rows, int cols, double[] losses, double[] grad,
            boolean logits) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int label = (int) yTrue[r];
            if (fromLogits) {
                double lse = logSumExp(yPred, o, cols);
                losses[r] = lse - yPred[o + label];
                if (grad != null) {
                    for (int c = 0; c < cols; c++) {
                        grad[o + c] = Math.exp(yPred[o + c] - lse) - (c == label ? 1 : 0);
                    }
                }
                continue;
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += yPred[o + c];
            }
            double q = yPred[o + label] / sum;
            losses[r] = -Math.log(Math.min(Math.max(q, EPSILON), 1 - EPSILON));
            if (grad == null) {
                continue;
            }
            if (logits) {
                for (int c = 0; c < cols; c++) {
                    grad[o + c] = yPred[o + c] - (c == label ? 1 : 0);
                }
            } else if (q >= EPSILON && q <= 1 - EPSILON) {
                // d/dp_c of -log(p_label / sum p): 1/sum for every class, minus 1/p_label for the label.
                for (int c = 0; c < cols; c++) {
                    grad[o + c] = 1 / sum - (c == label ? 1 / yPred[o + label] : 0);
                }
            } else {
                for (int c = 0; c < cols; c++) {
                    grad[o + c] = 0;
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

    private static String labelShape(long[] predShape, boolean withOne) {
        long[] s = new long[Math.max(1, predShape.length - 1) + (withOne ? 1 : 0)];
        for (int i = 0; i < predShape.length - 1; i++) {
            s[i] = predShape[i];
        }
        if (predShape.length <= 1) {
            s[0] = predShape.length == 0 ? 1 : predShape[0];
        }
        if (withOne) {
            s[s.length - 1] = 1;
        }
        return shapeString(s);
    }

    private static String labelString(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : Double.toString(v);
    }
}
