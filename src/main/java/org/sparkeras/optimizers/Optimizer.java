package org.sparkeras.optimizers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Host;
import org.sparkeras.saving.Registry;

/**
 * Base of the optimizers. {@link #apply(ParameterStore)} takes the gradients of the last backward
 * pass from the store and updates its trainable runs. Gradient clipping follows Keras:
 * {@code clipnorm} rescales each variable's gradient to at most that L2 norm, {@code clipvalue}
 * clips each element, {@code globalClipnorm} rescales all gradients together; at most one of the
 * three may be set.
 *
 * <p>State (moments, accumulators) lives in double arrays indexed like the flat parameter vector;
 * it is created at the first update and kept while the store's layout stays the same.
 */
public abstract class Optimizer {
    protected double learningRate;
    private Double clipnorm;
    private Double clipvalue;
    private Double globalClipnorm;
    private long iterations;
    private long stateLength = -1;
    private double[] p = new double[0];
    private double[] g = new double[0];

    protected Optimizer(double learningRate) {
        checkLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    /** The Keras identifier ("adam"). */
    public abstract String name();

    /** Creates state arrays for a parameter vector of {@code n} values. */
    protected abstract void createState(int n);

    /**
     * Updates {@code params[0..len)}, whose state starts at {@code offset} of the state arrays,
     * from {@code grads}; {@code t} is the 1-based iteration number.
     */
    protected abstract void update(double[] params, double[] grads, int len, int offset, long t);

    /** The constructor arguments by Keras name (subclasses add theirs). */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("learning_rate", learningRate);
        c.put("clipnorm", clipnorm);
        c.put("clipvalue", clipvalue);
        c.put("global_clipnorm", globalClipnorm);
        return c;
    }

    /** Clips each variable's gradient to at most this L2 norm. Excludes the other two clippings. */
    public Optimizer clipnorm(double value) {
        checkPositive("clipnorm", value);
        checkOneClipping(value, clipvalue, globalClipnorm);
        this.clipnorm = value;
        return this;
    }

    /** Clips every gradient element to [-value, value]. Excludes the other two clippings. */
    public Optimizer clipvalue(double value) {
        checkPositive("clipvalue", value);
        checkOneClipping(clipnorm, value, globalClipnorm);
        this.clipvalue = value;
        return this;
    }

    /** Rescales all gradients together to at most this global L2 norm. Excludes the other two clippings. */
    public Optimizer globalClipnorm(double value) {
        checkPositive("global_clipnorm", value);
        checkOneClipping(clipnorm, clipvalue, value);
        this.globalClipnorm = value;
        return this;
    }

    public double learningRate() {
        return learningRate;
    }

    public void setLearningRate(double learningRate) {
        checkLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    /** The number of updates applied so far. */
    public long iterations() {
        return iterations;
    }

    /** Applies one update to the trainable runs of {@code store}. */
    public void apply(ParameterStore store) {
        if (stateLength != store.length()) {
            createState((int) store.length());
            stateLength = store.length();
        }
        iterations++;
        if (applyFast(store)) {
            return;
        }
        double globalScale = 1.0;
        List<Variable> vars = store.variables();
        if (globalClipnorm != null) {
            double sq = 0;
            for (long[] run : store.trainableRuns()) {
                double[] gr = Host.toDoubles(range(store.grads(), run));
                for (double v : gr) {
                    sq += v * v;
                }
            }
            double norm = Math.sqrt(sq);
            if (norm > globalClipnorm) {
                globalScale = globalClipnorm / norm;
            }
        }
        for (long[] run : store.trainableRuns()) {
            int len = (int) (run[1] - run[0]);
            INDArray pv = range(store.values(), run);
            g = Host.toDoubles(range(store.grads(), run), g.length >= len ? g : null);
            p = Host.toDoubles(pv, p.length >= len ? p : null);
            if (globalScale != 1.0) {
                for (int i = 0; i < len; i++) {
                    g[i] *= globalScale;
                }
            }
            if (clipnorm != null) {
                clipPerVariable(vars, run, len);
            }
            if (clipvalue != null) {
                double c = clipvalue;
                for (int i = 0; i < len; i++) {
                    g[i] = Math.max(-c, Math.min(c, g[i]));
                }
            }
            update(p, g, len, (int) run[0], iterations);
            Host.fromDoubles(p, pv);
        }
    }

    /** Whether a subclass updated the store without host copies (plain SGD); the default is no. */
    protected boolean applyFast(ParameterStore store) {
        return false;
    }

    /** Whether any gradient clipping is configured. */
    protected boolean clips() {
        return clipnorm != null || clipvalue != null || globalClipnorm != null;
    }

    private void clipPerVariable(List<Variable> vars, long[] run, int len) {
        long offset = 0;
        for (Variable v : vars) {
            long from = offset, to = offset + v.size();
            offset = to;
            if (to <= run[0] || from >= run[1] || !v.trainable()) {
                continue;
            }
            int a = (int) (from - run[0]), b = (int) Math.min(len, to - run[0]);
            double sq = 0;
            for (int i = a; i < b; i++) {
                sq += g[i] * g[i];
            }
            double norm = Math.sqrt(sq);
            if (norm > clipnorm) {
                double s = clipnorm / norm;
                for (int i = a; i < b; i++) {
                    g[i] *= s;
                }
            }
        }
    }

    static INDArray range(INDArray flat, long[] run) {
        return run[0] == 0 && run[1] == flat.length() ? flat : flat.get(NDArrayIndex.interval(run[0], run[1]));
    }

    /** Rejects a NaN, infinite, zero or negative value of argument {@code what}. */
    protected final void checkPositive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name() + ": " + what + " must be a positive number, received " + v);
        }
    }

    /** Rejects a value of argument {@code what} outside [lo, hi] ([lo, hi) when {@code hiOpen}), and NaN. */
    protected final void checkRange(String what, double v, double lo, double hi, boolean hiOpen) {
        if (!(v >= lo) || (hiOpen ? !(v < hi) : !(v <= hi))) {
            throw new IllegalArgumentException(name() + ": " + what + " must be in [" + fmt(lo) + ", " + fmt(hi)
                    + (hiOpen ? ")" : "]") + ", received " + v);
        }
    }

    private void checkLearningRate(double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name() + ": learning_rate must be a finite non-negative number, received "
                    + v);
        }
    }

    /** Keras allows at most one kind of clipping; applying several in sequence would not match it. */
    private void checkOneClipping(Double norm, Double value, Double global) {
        int set = (norm != null ? 1 : 0) + (value != null ? 1 : 0) + (global != null ? 1 : 0);
        if (set > 1) {
            throw new IllegalArgumentException(name() + ": only one of clipnorm, clipvalue and global_clipnorm can be "
                    + "set, received clipnorm=" + norm + ", clipvalue=" + value + ", global_clipnorm=" + global);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Resolves a Keras optimizer name with its defaults ("adam", "sgd", ...). */
    public static Optimizer get(String name) {
        return Registry.get(Registry.Kind.OPTIMIZER, name, Optimizer.class);
    }

    @Override
    public String toString() {
        return name() + getConfig();
    }
}
