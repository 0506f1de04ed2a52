package org.sparkeras.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;
import org.sparkeras.data.ArrayDataset;
import org.sparkeras.data.Batch;
import org.sparkeras.training.LocalTrainer;

/**
 * The functions Spark runs on each partition: a training round, an evaluation. They read the fit's
 * {@link FitPlan} and the round's {@link RoundState} from broadcasts, borrow a pooled replica and
 * run the same {@code LocalTrainer} step as a local fit.
 */
final class Tasks {
    private Tasks() {}

    /** Rows of a streamed partition packed per window of batches when evaluating. */
    private static final int EVAL_WINDOW_BATCHES = 64;

    /** Trains partition {@code p}'s replica for up to K steps from the round's parameters. */
    static final class TrainRound implements Function2<Integer, Iterator<Block>, Iterator<WorkerResult>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<FitPlan> plan;
        private final Broadcast<RoundState> round;

        TrainRound(Broadcast<FitPlan> plan, Broadcast<RoundState> round) {
            this.plan = plan;
            this.round = round;
        }

        @Override
        public Iterator<WorkerResult> call(Integer p, Iterator<Block> blocks) {
            long t0 = System.nanoTime();
            FitPlan fp = plan.value();
            RoundState rs = round.value();
            Block block = single(blocks, p);
            if (block == null || block.rows == 0) {
                return List.of(empty(p, t0)).iterator();
            }
            Replicas.Replica r = Replicas.borrow(fp);
            try {
                ArrayDataset data = Replicas.data(fp, fp.datasetId(), p, block, true);
                long first = (long) rs.round * fp.stepsPerRound();
                return List.of(train(p, r, fp, rs, data.batches(rs.epoch, first), first, t0)).iterator();
            } finally {
                Replicas.release(r);
            }
        }
    }

    /** The same round on a streamed partition: reads the round's window of rows and shuffles within it. */
    static final class TrainStreamedRound implements Function2<Integer, Iterator<Sample>, Iterator<WorkerResult>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<FitPlan> plan;
        private final Broadcast<RoundState> round;
        private final int outputs;
        private final boolean weighted;

        TrainStreamedRound(Broadcast<FitPlan> plan, Broadcast<RoundState> round, int outputs, boolean weighted) {
            this.plan = plan;
            this.round = round;
            this.outputs = outputs;
            this.weighted = weighted;
        }

        @Override
        public Iterator<WorkerResult> call(Integer p, Iterator<Sample> rows) {
            long t0 = System.nanoTime();
            FitPlan fp = plan.value();
            RoundState rs = round.value();
            long first = (long) rs.round * fp.stepsPerRound();
            long steps = fp.stepsPerRound();
            if (fp.stepsPerEpoch() != null) {
                steps = Math.max(0, Math.min(steps, fp.stepsPerEpoch() - first));
            }
            long skip = first * fp.batchSize();
            for (long i = 0; i < skip && rows.hasNext(); i++) {
                rows.next();
            }
            Block window = SparkDataset.pack(limit(rows, steps * fp.batchSize()), fp.inputShapes().size(), outputs,
                    weighted);
            if (window.rows == 0) {
                return List.of(empty(p, t0)).iterator();
            }
            Replicas.Replica r = Replicas.borrow(fp);
            try {
                long seed = Seeding.mix(Seeding.partitionSeed(fp.seed(), p), rs.round);
                ArrayDataset data = Replicas.toDataset(window, fp, seed, fp.shuffle(), true);
                return List.of(train(p, r, fp, rs, data.batches(rs.epoch), first, t0)).iterator();
            } finally {
                Replicas.release(r);
            }
        }
    }

    private static WorkerResult empty(int p, long t0) {
        return new WorkerResult(p, 0, 0, null, null, null, false, 0, -1, -1, System.nanoTime() - t0);
    }

    private static WorkerResult train(int p, Replicas.Replica r, FitPlan fp, RoundState rs, Iterator<Batch> batches,
            long first, long t0) {
        r.load(rs, fp);
        r.reseed(Seeding.roundSeed(fp.seed(), rs.epoch, rs.round, p));
        long cap = fp.stepsPerEpoch() == null ? Long.MAX_VALUE : fp.stepsPerEpoch();
        r.trackers.reset();
        int steps = 0;
        long samples = 0;
        boolean badLoss = false;
        double lossValue = 0;
        int badStep = -1;
        while (steps < fp.stepsPerRound() && first + steps < cap && batches.hasNext()) {
            LocalTrainer.StepResult s = r.trainer.trainStep(r.model, r.model.compiled(), batches, r.trackers);
            if (!s.finite()) {
                badLoss = true;
                lossValue = s.loss();
                badStep = (int) (first + steps);
                break;
            }
            steps++;
            samples += s.samples();
        }
        if (samples == 0 && !badLoss) {
            return empty(p, t0);
        }
        float[] params = Host.toFloats(r.model.parameters().values(), null);
        int bad = firstNonFinite(params);
        float[][] state = new float[0][];
        if (fp.averageOptimizerState()) {
            float[][] live = r.optimizer.stateArrays(r.parameterCount);
            state = new float[live.length][];
            for (int i = 0; i < live.length; i++) {
                state[i] = live[i].clone();
            }
        }
        return new WorkerResult(p, samples, steps, params, state, r.trackers.state(), badLoss, lossValue, badStep, bad,
                System.nanoTime() - t0);
    }

    static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    private static Block single(Iterator<Block> blocks, int p) {
        if (!blocks.hasNext()) {
            return null;
        }
        Block b = blocks.next();
        if (blocks.hasNext()) {
            throw new IllegalStateException("Partition " + p + " holds more than one block; SparkDataset builds one per "
                    + "partition");
        }
        return b;
    }

    private static <T> Iterator<T> limit(Iterator<T> it, long n) {
        return new Iterator<>() {
            long left = n;

            @Override
            public boolean hasNext() {
                return left > 0 && it.hasNext();
            }

            @Override
            public T next() {
                left--;
                return it.next();
            }
        };
    }

    /** Evaluates the round's parameters on partition {@code p}: loss and metric sums. */
    static final class Evaluate<T> implements Function2<Integer, Iterator<T>, Iterator<EvalResult>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<FitPlan> plan;
        private final Broadcast<RoundState> round;
        private final String datasetId;
        private final int outputs;
        private final boolean weighted;

        Evaluate(Broadcast<FitPlan> plan, Broadcast<RoundState> round, String datasetId, int outputs, boolean weighted) {
            this.plan = plan;
            this.round = round;
            this.datasetId = datasetId;
            this.outputs = outputs;
            this.weighted = weighted;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Iterator<EvalResult> call(Integer p, Iterator<T> it) {
            FitPlan fp = plan.value();
            if (!it.hasNext()) {
                return List.of(new EvalResult(p, null)).iterator();
            }
            Replicas.Replica r = Replicas.borrow(fp);
            try {
                r.loadParameters(round.value());
                LocalTrainer.Trackers total = null;
                Object firstItem = it.next();
                if (firstItem instanceof Block block) {
                    if (block.rows == 0) {
                        return List.of(new EvalResult(p, null)).iterator();
                    }
                    ArrayDataset data = Replicas.data(fp, datasetId, p, block, false);
                    return List.of(new EvalResult(p, r.trainer.evaluateState(r.model, data))).iterator();
                }
                // Streamed rows: evaluate window by window and add the sums.
                Iterator<Sample> rows = prepend((Sample) firstItem, (Iterator<Sample>) it);
                while (rows.hasNext()) {
                    Block w = SparkDataset.pack(limit(rows, (long) EVAL_WINDOW_BATCHES * fp.batchSize()),
                            fp.inputShapes().size(), outputs, weighted);
                    LocalTrainer.Trackers.State s = r.trainer.evaluateState(r.model,
                            Replicas.toDataset(w, fp, 0, false, false));
                    if (total == null) {
                        total = new LocalTrainer.Trackers(r.model, r.model.compiled());
                        total.reset();
                    }
                    total.merge(s);
                }
                return List.of(new EvalResult(p, total == null ? null : total.state())).iterator();
            } finally {
                Replicas.release(r);
            }
        }
    }

    private static <T> Iterator<T> prepend(T first, Iterator<T> rest) {
        return new Iterator<>() {
            boolean head = true;

            @Override
            public boolean hasNext() {
                return head || rest.hasNext();
            }

            @Override
            public T next() {
                if (head) {
                    head = false;
                    return first;
                }
                return rest.next();
            }
        };
    }

    /** One partition's evaluation sums (null when it holds no rows). */
    record EvalResult(int partition, LocalTrainer.Trackers.State state) implements java.io.Serializable {
    }

    /** Copies the outputs of a forward pass to rows of floats. */
    static float[][] rowsOf(INDArray output) {
        int n = (int) output.size(0);
        float[] all = Host.toFloats(output, null);
        int w = n == 0 ? 0 : all.length / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(all, i * w, (i + 1) * w);
        }
        return out;
    }
}
