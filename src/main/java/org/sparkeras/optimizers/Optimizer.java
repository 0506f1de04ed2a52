package org.sparkeras.optimizers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.autodiff.Variable;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Blas;
import org.sparkeras.backend.Host;
import org.sparkeras.optimizers.schedules.LearningRateSchedule;
import org.sparkeras.saving.Registry;

/**
 * Base of the optimizers. {@link #apply(ParameterStore)} takes the gradients of the last backward
 * pass from the store and updates its trainable runs. Gradient clipping follows Keras:
 * {@code clipnorm} rescales each variable's gradient to at most that L2 norm, {@code clipvalue}
 * clips each element, {@code globalClipnorm} rescales all gradients together; at most one of the
 * three may be set.
 *
 * <p>The learning rate is a number or a {@link LearningRateSchedule}: with a schedule, each update
 * uses {@code schedule.at(iterations)} taken before the update's increment, as Keras.
 *
 * <p>State (moments, accumulators) lives in double arrays indexed like the flat parameter vector;
 * it is created at the first update and kept while the store's layout stays the same.
 */
public abstract class Optimizer {
    /** The rate of the current update; with a schedule, {@link #apply} sets it before each update. */
    protected double learningRate;
    private LearningRateSchedule schedule;
    private Double clipnorm;
    private Double clipvalue;
    private Double globalClipnorm;
    private long iterations;
    private long stateLength = -1;
    private float[] g = new float[0];
    private float[] delta = new float[0];
    private INDArray deltaNative;

    protected Optimizer(double learningRate) {
        checkLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    /** The Keras identifier ("adam"). */
    public abstract String name();

    /** Creates state arrays for a parameter vector of {@code n} values. */
    protected abstract void createState(int n);

    /**
     * Computes {@code delta[from, to)}, the change to add to the parameters of one trainable run,
     * from {@code grads[from, to)}; gradient, delta and state arrays are all indexed like the flat
     * parameter vector. {@code t} is the 1-based iteration number. State is float32, as Keras
     * keeps it for float32 variables. Keep the loops of the form {@code for (j = from; j < to; j++)}
     * over the same index in every array: the JIT vectorizes those (an offset between the
     * indices of two arrays made the Adam loop 3x slower).
     */
    protected abstract void update(float[] grads, float[] delta, int from, int to, long t);

    /** The constructor arguments by Keras name (subclasses add theirs). */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("learning_rate", schedule != null ? schedule.serialize() : learningRate);
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

    /** The learning rate of the next update (with a schedule: {@code schedule.at(iterations())}). */
    public double learningRate() {
        return schedule != null ? schedule.at(iterations) : learningRate;
    }

    /** Sets a constant learning rate; refused when the rate comes from a schedule, as in Keras. */
    public void setLearningRate(double learningRate) {
        if (schedule != null) {
            throw new IllegalStateException(name() + ": the learning rate comes from the schedule " + schedule
                    + ", so it cannot be set to " + learningRate);
        }
        checkLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    /** Drives the learning rate by {@code schedule}, evaluated at the iteration count before each update. */
    public Optimizer learningRate(LearningRateSchedule schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException(name() + ": learning_rate schedule must not be null");
        }
        this.schedule = schedule;
        return this;
    }

    /** The schedule driving the learning rate, or null for a constant rate. */
    public LearningRateSchedule learningRateSchedule() {
        return schedule;
    }

    /**
     * The optimizer's state for checkpoints: {@code "iterations"} (a DOUBLE scalar) and
     * {@code "state_<i>"} for each state array (FLOAT, laid out like the flat parameter vector of
     * {@code parameterCount} values), absent before the first update.
     */
    public Map<String, INDArray> stateDict() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("iterations", Nd4j.scalar(org.nd4j.linalg.api.buffer.DataType.DOUBLE, (double) iterations));
        if (stateLength >= 0) {
            float[][] s = state();
            for (int i = 0; i < s.length; i++) {
                if (s[i] != null) {
                    m.put("state_" + i, Nd4j.createFromArray(s[i].clone()));
                }
            }
        }
        return m;
    }

    /**
     * Restores a {@link #stateDict()} for a model with {@code parameterCount} parameters; the
     * names, lengths and iteration count are checked, naming what does not match.
     */
    public void loadStateDict(Map<String, INDArray> dict, long parameterCount) {
        INDArray it = dict.get("iterations");
        if (it == null || it.length() != 1 || it.getDouble(0) < 0 || it.getDouble(0) != Math.rint(it.getDouble(0))) {
            throw new IllegalArgumentException(name() + ": optimizer state needs a non-negative integer \"iterations\", "
                    + "received " + it);
        }
        createState((int) parameterCount);
        stateLength = parameterCount;
        float[][] s = state();
        for (String key : dict.keySet()) {
            if (!key.equals("iterations") && !key.matches("state_\\d+")) {
                throw new IllegalArgumentException(name() + ": unexpected optimizer state entry \"" + key + "\"");
            }
        }
        for (int i = 0; i < s.length; i++) {
            INDArray a = dict.get("state_" + i);
            if (a == null) {
                continue;
            }
            if (s[i] == null || a.length() != s[i].length) {
                throw new IllegalArgumentException(name() + ": optimizer state \"state_" + i + "\" has " + a.length()
                        + " values, expected " + (s[i] == null ? 0 : s[i].length) + " for " + parameterCount + " parameters");
            }
            float[] v = Host.toFloats(a, null);
            System.arraycopy(v, 0, s[i], 0, s[i].length);
        }
        iterations = (long) it.getDouble(0);
    }

    /**
     * The live state arrays for a parameter vector of {@code parameterCount} values (created, as
     * zeros, when absent or sized for another count), laid out like the flat parameter vector.
     * Writing into them changes the optimizer: a distributed trainer copies them to and from its
     * workers with this. Plain SGD without momentum has none.
     */
    public float[][] stateArrays(long parameterCount) {
        if (stateLength != parameterCount) {
            createState((int) parameterCount);
            stateLength = parameterCount;
        }
        float[][] s = state();
        int n = 0;
        for (float[] a : s) {
            n += a == null ? 0 : 1;
        }
        float[][] out = new float[n][];
        int k = 0;
        for (float[] a : s) {
            if (a != null) {
                out[k++] = a;
            }
        }
        return out;
    }

    /** Sets the number of updates applied so far (it drives bias corrections and schedules). */
    public void setIterations(long iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException(name() + ": iterations must be >= 0, received " + iterations);
        }
        this.iterations = iterations;
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
        if (schedule != null) {
            double lr = schedule.at(iterations);
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalStateException(name() + ": schedule " + schedule + " gave learning_rate " + lr
                        + " at step " + iterations + ", expected a finite non-negative number");
            }
            learningRate = lr;
        }
        iterations++;
        if (applyFast(store)) {
            return;
        }
        float globalScale = 1f;
        List<Variable> vars = store.variables();
        if (globalClipnorm != null) {
            double sq = 0;
            for (long[] run : store.trainableRuns()) {
                float[] gr = Host.toFloats(range(store.grads(), run), null);
                for (float v : gr) {
                    sq += (double) v * v;
                }
            }
            double norm = Math.sqrt(sq);
            if (norm > globalClipnorm) {
                globalScale = (float) (globalClipnorm / norm);
            }
        }
        int n = (int) store.length();
        if (g.length < n) {
            g = new float[n];
            delta = new float[n];
        }
        for (long[] run : store.trainableRuns()) {
            int from = (int) run[0], to = (int) run[1];
            Host.toFloats(range(store.grads(), run), g, from);
            if (globalScale != 1f) {
                for (int i = from; i < to; i++) {
                    g[i] *= globalScale;
                }
            }
            if (clipnorm != null) {
                clipPerVariable(vars, run);
            }
            if (clipvalue != null) {
                float c = clipvalue.floatValue();
                for (int i = from; i < to; i++) {
                    g[i] = Math.max(-c, Math.min(c, g[i]));
                }
            }
            update(g, delta, from, to, iterations);
            addDelta(store, run);
        }
        if (iterations % FLUSH_EVERY == 0) {
            flushState();
        }
    }

    /** values[run] += delta[run], through a native scratch array and one BLAS axpy. */
    private void addDelta(ParameterStore store, long[] run) {
        int len = (int) (run[1] - run[0]);
        INDArray values = range(store.values(), run);
        if (deltaNative == null || deltaNative.length() < len || deltaNative.dataType() != values.dataType()) {
            deltaNative = Nd4j.create(values.dataType(), Math.max(len, 1));
        }
        INDArray d = len == deltaNative.length() ? deltaNative : deltaNative.get(NDArrayIndex.interval(0, len));
        if (d.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            Host.fromFloats(delta, (int) run[0], d);
        } else {
            double[] dd = new double[len];
            for (int i = 0; i < len; i++) {
                dd[i] = delta[(int) run[0] + i];
            }
            Host.fromDoubles(dd, d);
        }
        Blas.axpy(1.0, d, values);
    }

    /** The state arrays (null entries allowed), flushed of tiny values every few steps. */
    protected abstract float[][] state();

    /**
     * Sets state values below 1e-20 in magnitude to zero. Moments of weights whose gradient is
     * exactly zero (dead ReLU units) decay geometrically into subnormal numbers, on which every
     * arithmetic operation is about a hundred times slower (measured: an Adam update went from
     * 0.4 ms to 18 ms). The JVM cannot set the CPU's flush-to-zero mode, and a test in the update
     * loop stops the JIT from vectorizing it (3x slower), so a separate pass runs every
     * {@link #FLUSH_EVERY} steps: a value needs over 16 steps to fall from 1e-20 to a subnormal
     * even at a decay rate of 0.1, and such values change no float32 weight.
     */
    private void flushState() {
        for (float[] s : state()) {
            if (s == null) {
                continue;
            }
            for (int i = 0; i < s.length; i++) {
                if (Math.abs(s[i]) < 1e-20f) {
                    s[i] = 0f;
                }
            }
        }
    }

    private static final int FLUSH_EVERY = 16;

    /** Whether a subclass updated the store without host copies (plain SGD); the default is no. */
    protected boolean applyFast(ParameterStore store) {
        return false;
    }

    /** Whether any gradient clipping is configured. */
    protected boolean clips() {
        return clipnorm != null || clipvalue != null || globalClipnorm != null;
    }

    private void clipPerVariable(List<Variable> vars, long[] run) {
        long offset = 0;
        for (Variable v : vars) {
            long from = offset, to = offset + v.size();
            offset = to;
            if (to <= run[0] || from >= run[1] || !v.trainable()) {
                continue;
            }
            int a = (int) Math.max(from, run[0]), b = (int) Math.min(to, run[1]);
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
