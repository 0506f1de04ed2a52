package org.sparkeras.training;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.autodiff.Tape;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.ArrayPool;
import org.sparkeras.backend.Host;
import org.sparkeras.callbacks.Callback;
import org.sparkeras.callbacks.History;
import org.sparkeras.callbacks.ProgbarLogger;
import org.sparkeras.data.ArrayDataset;
import org.sparkeras.data.Batch;
import org.sparkeras.data.Dataset;
import org.sparkeras.losses.Loss;
import org.sparkeras.metrics.Metric;
import org.sparkeras.models.Model;

/**
 * Runs fit, evaluate and predict in this JVM. A training step is: forward pass recorded on a tape,
 * one loss op per output, backward pass writing straight into the model's flat gradient vector,
 * one optimizer update of the flat parameter vector, metric updates on host copies of the outputs.
 * Every intermediate array comes from a pool that is reset at the start of the step, so after the
 * first step nothing is allocated natively.
 *
 * <p>A step whose loss is NaN or infinite is not applied: training stops, the History is marked
 * (Keras's TerminateOnNaN, made the default) and the model keeps finite weights: those of the last
 * step, or, when an earlier divergent update already made them infinite, those of the epoch start.
 *
 * <p>Resuming: right after {@code onTrainBegin} the loop asks every callback for
 * {@link Callback#resumePosition()}; at most one may answer. A position (epoch, batch) makes the
 * loop start at that epoch instead of {@code Fit.initialEpoch} and draw and discard the first
 * {@code batch} batches of that epoch without training on them and without batch hooks, so the
 * remaining batches come in exactly the order of an uninterrupted run. Batch indices passed to the
 * hooks keep counting from the skipped ones; the epoch's logged loss and metrics cover only the
 * batches trained after the resume.
 *
 * <p>Not thread-safe: a trainer serves one training loop at a time.
 */
public final class LocalTrainer implements Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTrainer.class);

    private final ArrayPool pool = new ArrayPool();
    private final Tape tape = new Tape();

    /** The result of one training step. */
    public record StepResult(double loss, double[] outputLosses, int samples) {
        public boolean finite() {
            return Double.isFinite(loss);
        }
    }

    @Override
    public History fit(Model model, Dataset train, Dataset validation, Fit options) {
        CompiledState compiled = model.compiled();
        History history = new History();
        List<Callback> callbacks = new ArrayList<>(options.callbacks());
        callbacks.add(history);
        callbacks.add(new ProgbarLogger(options.verbose(), options.out()));
        long steps = options.stepsPerEpoch() != null
                ? (train.steps() < 0 ? options.stepsPerEpoch() : Math.min(options.stepsPerEpoch(), train.steps()))
                : train.steps();
        Map<String, Object> params = Map.of("epochs", options.epochs(), "steps", (int) steps, "verbose", options.verbose());
        boolean batchLogs = false;
        for (Callback c : callbacks) {
            c.setModel(model);
            c.setParams(params);
            batchLogs |= c.wantsBatchLogs() || (c != history && !(c instanceof ProgbarLogger));
        }
        model.setStopTraining(false);
        Trackers trackers = new Trackers(model, compiled);
        Map<String, Double> empty = Map.of();
        callbacks.forEach(c -> c.onTrainBegin(empty));
        Callback.Position resume = resumePosition(callbacks);
        int firstEpoch = resume != null ? resume.epoch() : options.initialEpoch();
        boolean nan = false;
        INDArray snapshot = null;
        for (int epoch = firstEpoch; epoch < options.epochs() && !model.stopTraining(); epoch++) {
            trackers.reset();
            // The weights at the start of the epoch: restored if a divergent step leaves them non-finite.
            INDArray values = model.parameters().values();
            if (snapshot == null || snapshot.length() != values.length()) {
                snapshot = values.dup();
            } else {
                snapshot.assign(values);
            }
            final int e = epoch;
            callbacks.forEach(c -> c.onEpochBegin(e, empty));
            Iterator<Batch> it = train.batches(epoch);
            int step = 0;
            if (resume != null && epoch == firstEpoch) {
                for (; step < resume.batch() && (options.stepsPerEpoch() == null || step < options.stepsPerEpoch())
                        && it.hasNext(); step++) {
                    skipBatch(it);
                }
            }
            while ((options.stepsPerEpoch() == null || step < options.stepsPerEpoch()) && it.hasNext()) {
                final int s = step;
                callbacks.forEach(c -> c.onTrainBatchBegin(s, empty));
                StepResult r = trainStep(model, compiled, it, trackers);
                if (!r.finite()) {
                    LOG.warn("Batch {}: Invalid loss {}, terminating training", step, r.loss());
                    if (options.verbose() > 0) {
                        options.out().println("\nBatch " + step + ": Invalid loss, terminating training");
                    }
                    history.markTerminatedOnNaN();
                    restoreIfNotFinite(model.parameters().values(), snapshot, epoch);
                    model.setStopTraining(true);
                    nan = true;
                    break;
                }
                if (batchLogs) {
                    Map<String, Double> logs = trackers.logs();
                    callbacks.forEach(c -> c.onTrainBatchEnd(s, logs));
                }
                step++;
            }
            Map<String, Double> logs = trackers.logs();
            if (nan) {
                logs.put("loss", Double.NaN);
            }
            if (validation != null && !nan) {
                for (Map.Entry<String, Double> v : evaluate(model, validation).entrySet()) {
                    logs.put("val_" + v.getKey(), v.getValue());
                }
            }
            callbacks.forEach(c -> c.onEpochEnd(e, logs));
        }
        Map<String, Double> last = history.history().isEmpty() ? empty : lastLogs(history);
        callbacks.forEach(c -> c.onTrainEnd(last));
        return history;
    }

    /**
     * The one resume position given by the callbacks, or null; two callbacks giving one are refused.
     * Shared with distributed trainers, where a position's batch counts rounds.
     */
    public static Callback.Position resumePosition(List<Callback> callbacks) {
        Callback.Position found = null;
        Callback from = null;
        for (Callback c : callbacks) {
            Callback.Position p = c.resumePosition();
            if (p != null) {
                if (found != null) {
                    throw new IllegalStateException("Two callbacks set the position to resume training at: "
                            + from.getClass().getSimpleName() + " (" + found + ") and " + c.getClass().getSimpleName()
                            + " (" + p + ")");
                }
                found = p;
                from = c;
            }
        }
        return found;
    }

    /** Draws one batch and discards it (batches may be gathered into pooled arrays). */
    private void skipBatch(Iterator<Batch> it) {
        pool.reset();
        pool.activate();
        try {
            it.next();
        } finally {
            ArrayPool.deactivate();
        }
    }

    /** Puts back the epoch-start weights when the current ones hold NaN or infinity. */
    private static void restoreIfNotFinite(INDArray values, INDArray snapshot, int epoch) {
        for (double v : org.sparkeras.backend.Host.toDoubles(values)) {
            if (!Double.isFinite(v)) {
                LOG.warn("Weights became non-finite; restored the weights of the start of epoch {}", epoch + 1);
                values.assign(snapshot);
                return;
            }
        }
    }

    private static Map<String, Double> lastLogs(History h) {
        Map<String, Double> m = new LinkedHashMap<>();
        h.history().forEach((k, v) -> m.put(k, v.get(v.size() - 1)));
        return m;
    }

    /**
     * One training step on the next batch of {@code it}: forward, loss, backward, update (unless
     * the loss is not finite), metrics.
     */
    public StepResult trainStep(Model model, CompiledState compiled, Iterator<Batch> it, Trackers trackers) {
        pool.reset();
        pool.activate();
        try (Tape t = tape.begin()) {
            Batch batch = it.next();
            ParameterStore store = model.parameters();
            List<Tensor> outputs = model.forward(wrap(batch.x()), true);
            double[] outLosses = new double[outputs.size()];
            Tensor total = totalLoss(model, compiled, batch, outputs, outLosses);
            double loss = total.value().getDouble(0);
            if (!Double.isFinite(loss)) {
                return new StepResult(loss, outLosses, batch.size());
            }
            t.backward(total, store.trainableVariables());
            compiled.optimizer().apply(store);
            if (trackers != null) {
                trackers.update(batch, outputs, loss, outLosses);
            }
            return new StepResult(loss, outLosses, batch.size());
        } finally {
            ArrayPool.deactivate();
        }
    }

    private Tensor totalLoss(Model model, CompiledState compiled, Batch batch, List<Tensor> outputs, double[] outLosses) {
        List<Loss> losses = compiled.losses();
        double[] weights = compiled.lossWeights();
        Tensor total = null;
        for (int i = 0; i < outputs.size(); i++) {
            Tensor li = losses.get(i).call(batch.y().get(i), outputs.get(i), batch.sampleWeight());
            outLosses[i] = li.value().getDouble(0);
            Tensor wi = weights[i] == 1.0 ? li : Ops.scale(li, weights[i]);
            total = total == null ? wi : Ops.add(total, wi);
        }
        for (Tensor penalty : model.regularizationLosses()) {
            total = Ops.add(total, penalty);
        }
        return total;
    }

    @Override
    public Map<String, Double> evaluate(Model model, Dataset data) {
        return evaluateInto(model, data, new Trackers(model, model.compiled())).logs();
    }

    /**
     * The loss and metric sums over every batch of {@code data} (see {@link Trackers.State}); a
     * distributed trainer adds up the states of its partitions.
     */
    public Trackers.State evaluateState(Model model, Dataset data) {
        return evaluateInto(model, data, new Trackers(model, model.compiled())).state();
    }

    private Trackers evaluateInto(Model model, Dataset data, Trackers trackers) {
        CompiledState compiled = model.compiled();
        trackers.reset();
        Iterator<Batch> it = data.batches(0);
        pool.activate();
        try {
            while (true) {
                pool.reset();
                if (!it.hasNext()) {
                    break;
                }
                Batch batch = it.next();
                List<Tensor> outputs = model.forward(wrap(batch.x()), false);
                double[] outLosses = new double[outputs.size()];
                Tensor total = totalLoss(model, compiled, batch, outputs, outLosses);
                trackers.update(batch, outputs, total.value().getDouble(0), outLosses);
            }
        } finally {
            pool.reset();
            ArrayPool.deactivate();
        }
        return trackers;
    }

    @Override
    public List<INDArray> predict(Model model, List<INDArray> x, int batchSize) {
        ArrayDataset data = new ArrayDataset(x, List.of(), null, null, batchSize, false, 0);
        int n = data.samples();
        List<INDArray> results = null;
        Iterator<Batch> it = data.batches(0);
        int offset = 0;
        pool.activate();
        try {
            while (true) {
                pool.reset();
                if (!it.hasNext()) {
                    break;
                }
                Batch batch = it.next();
                List<Tensor> outputs = model.forward(wrap(batch.x()), false);
                if (results == null) {
                    results = new ArrayList<>();
                    for (Tensor o : outputs) {
                        long[] shape = o.shape().clone();
                        shape[0] = n;
                        // Every row is written below.
                        results.add(Nd4j.createUninitialized(o.dtype(), shape));
                    }
                }
                for (int i = 0; i < outputs.size(); i++) {
                    Host.copyRows(outputs.get(i).value(), results.get(i), offset);
                }
                offset += batch.size();
            }
        } finally {
            pool.reset();
            ArrayPool.deactivate();
        }
        if (results == null) {
            results = new ArrayList<>();
            for (long[] shape : model.outputShapes()) {
                long[] full = new long[shape.length + 1];
                System.arraycopy(shape, 0, full, 1, shape.length);
                results.add(Nd4j.create(model.dtype(), full));
            }
        }
        return results;
    }

    private static List<Tensor> wrap(List<INDArray> arrays) {
        List<Tensor> out = new ArrayList<>(arrays.size());
        for (INDArray a : arrays) {
            out.add(Tensor.constant(a));
        }
        return out;
    }

    /**
     * The running loss and metrics of an epoch (or an evaluation), with Keras's keys: "loss",
     * then per output "{@code <output>_loss}" when there are several outputs, then the metrics,
     * prefixed by the output name when there are several outputs.
     */
    public static final class Trackers {
        private final List<String> outputNames;
        private final CompiledState compiled;
        private double lossSum;
        private double[] outputLossSums;
        private long samples;

        public Trackers(Model model, CompiledState compiled) {
            this.outputNames = model.outputNames();
            this.compiled = compiled;
            this.outputLossSums = new double[outputNames.size()];
        }

        public void reset() {
            lossSum = 0;
            samples = 0;
            outputLossSums = new double[outputNames.size()];
            for (int i = 0; i < outputNames.size(); i++) {
                for (Metric m : compiled.metrics(i)) {
                    m.resetState();
                }
            }
        }

        public void update(Batch batch, List<Tensor> outputs, double loss, double[] outLosses) {
            int n = batch.size();
            lossSum += loss * n;
            for (int i = 0; i < outLosses.length; i++) {
                outputLossSums[i] += outLosses[i] * n;
            }
            samples += n;
            for (int i = 0; i < outputs.size(); i++) {
                for (Metric m : compiled.metrics(i)) {
                    m.updateState(batch.y().get(i), outputs.get(i).value(), batch.sampleWeight());
                }
            }
        }

        /**
         * The sums behind {@link #logs()}: loss sums weighted by batch size, the sample count and
         * each metric's additive state (outputs in order, metrics in compile order). Two trackers'
         * states add up to the state of one tracker that saw both sets of batches.
         */
        public record State(double lossSum, double[] outputLossSums, long samples, double[][] metricStates)
                implements java.io.Serializable {
        }

        /** A copy of the current sums; see {@link State}. */
        public State state() {
            List<double[]> ms = new ArrayList<>();
            for (int i = 0; i < outputNames.size(); i++) {
                for (Metric m : compiled.metrics(i)) {
                    ms.add(m.stateVector());
                }
            }
            return new State(lossSum, outputLossSums.clone(), samples, ms.toArray(new double[0][]));
        }

        /** Adds another tracker's {@link State} (of the same model and compile settings) to this one. */
        public void merge(State other) {
            if (other.outputLossSums().length != outputLossSums.length) {
                throw new IllegalArgumentException("Tracker state has " + other.outputLossSums().length
                        + " output losses, this model has " + outputLossSums.length + " outputs");
            }
            lossSum += other.lossSum();
            for (int i = 0; i < outputLossSums.length; i++) {
                outputLossSums[i] += other.outputLossSums()[i];
            }
            samples += other.samples();
            int k = 0;
            for (int i = 0; i < outputNames.size(); i++) {
                for (Metric m : compiled.metrics(i)) {
                    if (k >= other.metricStates().length) {
                        throw new IllegalArgumentException("Tracker state has " + other.metricStates().length
                                + " metric states, the model compiles more metrics");
                    }
                    m.mergeState(other.metricStates()[k++]);
                }
            }
            if (k != other.metricStates().length) {
                throw new IllegalArgumentException("Tracker state has " + other.metricStates().length
                        + " metric states, the model compiles " + k);
            }
        }

        /** The number of samples accumulated since the last reset. */
        public long samples() {
            return samples;
        }

        /** The current values by Keras key. */
        public Map<String, Double> logs() {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", samples == 0 ? 0.0 : lossSum / samples);
            boolean multi = outputNames.size() > 1;
            if (multi) {
                for (int i = 0; i < outputNames.size(); i++) {
                    logs.put(outputNames.get(i) + "_loss", samples == 0 ? 0.0 : outputLossSums[i] / samples);
                }
            }
            for (int i = 0; i < outputNames.size(); i++) {
                for (Metric m : compiled.metrics(i)) {
                    logs.put(multi ? outputNames.get(i) + "_" + m.name() : m.name(), m.result());
                }
            }
            return logs;
        }
    }
}
