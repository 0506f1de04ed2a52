package org.sparkeras.autodiff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * All weights of a model in one flat vector and all gradients in another, each variable a view of
 * its slice. An optimizer updates the trainable runs of the vector in a few large operations, and a
 * distributed trainer ships the one vector. Variables keep their order; {@link #trainableRuns()} lists
 * the maximal contiguous runs of trainable variables.
 */
public final class ParameterStore {
    private final List<Variable> variables;
    private final INDArray values;
    private final INDArray grads;
    private final long[] offsets;
    private final List<long[]> trainableRuns = new ArrayList<>();

    /** Packs {@code variables} (all of one data type); their current values are copied in. */
    public ParameterStore(List<Variable> variables, DataType type) {
        this.variables = List.copyOf(variables);
        long total = 0;
        offsets = new long[variables.size() + 1];
        for (int i = 0; i < variables.size(); i++) {
            offsets[i] = total;
            total += variables.get(i).size();
        }
        offsets[variables.size()] = total;
        values = Nd4j.create(type, Math.max(total, 1));
        grads = Nd4j.create(type, Math.max(total, 1));
        for (int i = 0; i < variables.size(); i++) {
            Variable v = variables.get(i);
            if (offsets[i + 1] > offsets[i]) {
                v.bind(slice(values, offsets[i], offsets[i + 1], v.shape()), slice(grads, offsets[i], offsets[i + 1], v.shape()));
            }
        }
        trainableRuns.addAll(runsOf(variables));
    }

    private static INDArray slice(INDArray flat, long from, long to, long[] shape) {
        INDArray v = flat.get(NDArrayIndex.interval(from, to));
        return shape.length == 0 ? v.reshape() : v.reshape('c', shape);
    }

    public List<Variable> variables() {
        return Collections.unmodifiableList(variables);
    }

    /** The flat parameter vector (live: writing to it changes the weights). */
    public INDArray values() {
        return values;
    }

    /** The flat gradient vector of the last backward pass. */
    public INDArray grads() {
        return grads;
    }

    /** The number of parameters. */
    public long length() {
        return offsets[variables.size()];
    }

    /** {@code [from, to)} element ranges of the flat vectors holding trainable variables. */
    public List<long[]> trainableRuns() {
        return Collections.unmodifiableList(trainableRuns);
    }

    /** The trainable variables in order. */
    public List<Variable> trainableVariables() {
        List<Variable> out = new ArrayList<>();
        for (Variable v : variables) {
            if (v.trainable()) {
                out.add(v);
            }
        }
        return out;
    }

    /** Whether this store still matches the variables and their trainable flags. */
    public boolean matches(List<Variable> current) {
        if (!current.equals(variables)) {
            return false;
        }
        List<long[]> fresh = runsOf(current);
        if (fresh.size() != trainableRuns.size()) {
            return false;
        }
        for (int i = 0; i < fresh.size(); i++) {
            if (fresh.get(i)[0] != trainableRuns.get(i)[0] || fresh.get(i)[1] != trainableRuns.get(i)[1]) {
                return false;
            }
        }
        return true;
    }

    /** The maximal {@code [from, to)} runs of trainable, non-empty variables laid end to end. */
    static List<long[]> runsOf(List<Variable> vs) {
        List<long[]> runs = new ArrayList<>();
        long off = 0, start = -1;
        for (Variable v : vs) {
            long n = v.size();
            boolean t = v.trainable() && n > 0;
            if (t && start < 0) {
                start = off;
            } else if (!t && start >= 0) {
                runs.add(new long[] {start, off});
                start = -1;
            }
            off += n;
        }
        if (start >= 0) {
            runs.add(new long[] {start, off});
        }
        return runs;
    }
}
