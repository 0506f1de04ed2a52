package org.sparkeras.metrics;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.losses.BinaryCrossentropy;
import org.sparkeras.losses.CategoricalCrossentropy;
import org.sparkeras.losses.Loss;
import org.sparkeras.losses.SparseCategoricalCrossentropy;
import org.sparkeras.saving.Registry;

/**
 * Resolves the metric names given to {@code compile}, as Keras does. The name the user wrote is the
 * metric's name, so it is the key in logs and History ({@code "acc"} stays {@code "acc"},
 * {@code "mse"} stays {@code "mse"}).
 *
 * <p>{@code "accuracy"} and {@code "acc"} pick the accuracy that fits the loss: sparse categorical
 * cross-entropy gives {@link SparseCategoricalAccuracy}, categorical cross-entropy
 * {@link CategoricalAccuracy}, binary cross-entropy {@link BinaryAccuracy}. With any other loss the
 * choice waits for the first batch and follows Keras's shape rule: one output per row is binary,
 * one target per row of several outputs is sparse categorical, anything else categorical.
 */
public final class Metrics {
    private Metrics() {}

    /** The metric called {@code name} for a model compiled with {@code loss} (which may be null). */
    public static Metric get(String name, Loss loss) {
        if (name != null && isAccuracy(name)) {
            return accuracy(name, loss);
        }
        if (name == null) {
            return Registry.get(Registry.Kind.METRIC, null, Metric.class);
        }
        return Registry.create(Registry.Kind.METRIC, name, Map.of("name", name), Metric.class);
    }

    /** The accuracy that fits {@code loss}, named {@code name}; inferred from the data when loss says nothing. */
    public static Metric accuracy(String name, Loss loss) {
        if (loss instanceof SparseCategoricalCrossentropy) {
            return new SparseCategoricalAccuracy(name);
        }
        if (loss instanceof CategoricalCrossentropy) {
            return new CategoricalAccuracy(name);
        }
        if (loss instanceof BinaryCrossentropy) {
            return new BinaryAccuracy(name);
        }
        return new InferredAccuracy(name);
    }

    private static boolean isAccuracy(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("accuracy") || n.equals("acc");
    }

    /** An accuracy that becomes binary, sparse categorical or categorical at its first batch. */
    private static final class InferredAccuracy extends Metric {
        private Metric delegate;

        InferredAccuracy(String name) {
            super(name);
        }

        @Override
        public void updateState(INDArray yTrue, INDArray yPred, INDArray sampleWeight) {
            if (delegate == null) {
                delegate = choose(yTrue, yPred);
            }
            delegate.updateState(yTrue, yPred, sampleWeight);
        }

        private Metric choose(INDArray yTrue, INDArray yPred) {
            long[] t = yTrue.shape();
            long[] p = yPred.shape();
            long tLast = t.length == 0 ? 1 : t[t.length - 1];
            long pLast = p.length <= 1 ? 1 : p[p.length - 1];
            if (pLast == 1) {
                return new BinaryAccuracy(name());
            }
            if (t.length < p.length || tLast == 1) {
                return new SparseCategoricalAccuracy(name());
            }
            return new CategoricalAccuracy(name());
        }

        @Override
        public double result() {
            return delegate == null ? 0 : delegate.result();
        }

        @Override
        public void resetState() {
            if (delegate instanceof Mean) {
                delegate = null; // a merge placeholder: the next batch chooses the real accuracy
            } else if (delegate != null) {
                delegate.resetState();
            }
        }

        /** Every accuracy it may become keeps {@code [total, count]}. */
        @Override
        public double[] stateVector() {
            return delegate == null ? new double[2] : delegate.stateVector();
        }

        @Override
        public void mergeState(double[] state) {
            if (delegate == null) {
                // Merging on a driver that saw no batch: the kind of accuracy does not matter for
                // total / count; the first real batch is never preceded by a merge (reset clears it).
                delegate = new Mean(name());
            }
            delegate.mergeState(state);
        }

        @Override
        public Map<String, Object> getConfig() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", name());
            return c;
        }
    }
}
