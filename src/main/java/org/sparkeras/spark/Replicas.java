package org.sparkeras.spark;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.backend.Engine;
import org.sparkeras.backend.Host;
import org.sparkeras.data.ArrayDataset;
import org.sparkeras.layers.Dropout;
import org.sparkeras.layers.Layer;
import org.sparkeras.models.Model;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.saving.ModelArchive;
import org.sparkeras.training.LocalTrainer;

/**
 * The executor side: model replicas pooled per task slot, and the partitions' native arrays.
 *
 * <p>A task borrows a replica of its fit's model (building one from the plan's archive when the
 * pool is empty) and gives it back at the end, so an executor running two tasks at a time keeps
 * two replicas per model, reused round after round. A replica holds nothing that a round depends
 * on: the round's broadcast overwrites its parameters, optimizer state, iteration count and
 * learning rate, and reseeds its dropout layers, so any replica on any executor replays a round
 * exactly. Partitions' arrays are copied once into native memory and kept (those of the four most
 * recent datasets, least recently used first out beyond {@link #CACHE_BYTES} bytes), keyed by
 * dataset, partition and batching.
 */
final class Replicas {
    private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);
    /** Bytes of native partition arrays an executor keeps (system property sparkeras.executor.cacheBytes). */
    static final long CACHE_BYTES = Long.getLong("sparkeras.executor.cacheBytes", 4L << 30);
    private static final int MAX_PLANS = 4;

    private static final Object BUILD_LOCK = new Object();
    /** Idle replicas per plan id; the least recently used plan is dropped beyond MAX_PLANS. */
    private static final LinkedHashMap<String, ArrayDeque<Replica>> POOLS = new LinkedHashMap<>(16, 0.75f, true);
    private static final Set<String> CUSTOMIZED = new HashSet<>();
    private static final LinkedHashMap<String, Cached> DATA = new LinkedHashMap<>(16, 0.75f, true);
    private static long dataBytes;
    /** Dataset ids with cached partitions, least recently added first. */
    private static final java.util.LinkedHashSet<String> DATASETS = new java.util.LinkedHashSet<>();
    private static final int MAX_DATASETS = 4;
    private static int threads = -1;

    static {
        Engine.init();
    }

    private Replicas() {}

    /** One model replica with its own trainer (tape, array pool) and trackers. */
    static final class Replica {
        final String planId;
        final Model model;
        final LocalTrainer trainer = new LocalTrainer();
        final LocalTrainer.Trackers trackers;
        final Optimizer optimizer;
        final long parameterCount;

        Replica(String planId, Model model) {
            this.planId = planId;
            this.model = model;
            this.trackers = new LocalTrainer.Trackers(model, model.compiled());
            this.optimizer = model.compiled().optimizer();
            this.parameterCount = model.parameters().length();
        }

        /** Loads the round's parameters, optimizer state, iteration count and learning rate. */
        void load(RoundState r, FitPlan plan) {
            INDArray values = model.parameters().values();
            if (r.params.length != values.length()) {
                throw new IllegalStateException("The round ships " + r.params.length + " parameters, the replica of plan "
                        + planId + " has " + values.length());
            }
            Host.fromFloats(r.params, 0, values);
            float[][] state = optimizer.stateArrays(parameterCount);
            if (r.optimizerState.length == 0) {
                for (float[] s : state) {
                    java.util.Arrays.fill(s, 0f);
                }
            } else {
                if (r.optimizerState.length != state.length) {
                    throw new IllegalStateException("The round ships " + r.optimizerState.length
                            + " optimizer state arrays, the replica's " + optimizer.name() + " has " + state.length);
                }
                for (int i = 0; i < state.length; i++) {
                    System.arraycopy(r.optimizerState[i], 0, state[i], 0, state[i].length);
                }
            }
            optimizer.setIterations(r.iterations);
            if (plan.schedule() == null) {
                optimizer.setLearningRate(r.learningRate);
            }
        }

        /** Loads only the round's parameters (evaluation and prediction). */
        void loadParameters(RoundState r) {
            INDArray values = model.parameters().values();
            if (r.params.length != values.length()) {
                throw new IllegalStateException("The driver ships " + r.params.length + " parameters, the replica of plan "
                        + planId + " has " + values.length());
            }
            Host.fromFloats(r.params, 0, values);
        }

        /** Restarts every dropout layer's mask stream from {@code seed}. */
        void reseed(long seed) {
            reseed(model, seed, new int[1]);
        }

        private static void reseed(Layer layer, long seed, int[] counter) {
            if (layer instanceof Dropout d) {
                d.reseed(Seeding.mix(seed, counter[0]++));
            }
            if (layer instanceof Model m) {
                for (Layer l : m.layers()) {
                    if (l != m) {
                        reseed(l, seed, counter);
                    }
                }
            }
        }
    }

    /** A replica of the plan's model, from the pool or newly built. */
    static Replica borrow(FitPlan plan) {
        configureThreads(plan.threads());
        synchronized (POOLS) {
            ArrayDeque<Replica> pool = POOLS.get(plan.planId());
            if (pool != null && !pool.isEmpty()) {
                return pool.pop();
            }
        }
        return build(plan);
    }

    /** Gives a replica back to its pool. */
    static void release(Replica r) {
        synchronized (POOLS) {
            POOLS.computeIfAbsent(r.planId, k -> new ArrayDeque<>()).push(r);
            while (POOLS.size() > MAX_PLANS) {
                Iterator<String> it = POOLS.keySet().iterator();
                it.next();
                it.remove();
            }
        }
    }


    private static Replica build(FitPlan plan) {
        // Building touches process-wide state (layer name counters, the seed source): one at a time.
        synchronized (BUILD_LOCK) {
            if (plan.customObjects() != null && CUSTOMIZED.add(plan.planId())) {
                plan.customObjects().run();
            }
            Model model;
            try {
                model = ModelArchive.fromBytes(plan.archive(), "the model archive of plan " + plan.planId());
            } catch (IOException e) {
                throw new IllegalStateException("Could not build a replica of plan " + plan.planId() + ": " + e, e);
            }
            if (!model.isCompiled()) {
                throw new IllegalStateException("The model archive of plan " + plan.planId() + " has no compile settings");
            }
            if (plan.schedule() != null) {
                model.compiled().optimizer().learningRate(plan.schedule());
            }
            LOG.debug("Built a replica of plan {} ({} parameters)", plan.planId(), model.parameters().length());
            return new Replica(plan.planId(), model);
        }
    }

    /** The dataset ids whose partitions this JVM holds in native memory (for tests). */
    static java.util.List<String> cachedDatasets() {
        synchronized (DATA) {
            return java.util.List.copyOf(DATASETS);
        }
    }

    /** Sets the native thread counts of this JVM once (all tasks of an executor share them). */
    static synchronized void configureThreads(int n) {
        if (n == threads || n <= 0) {
            return;
        }
        threads = n;
        try {
            Nd4j.getEnvironment().setMaxThreads(n);
            Nd4j.getEnvironment().setMaxMasterThreads(n);
            Nd4j.factory().blas().setMaxThreads(n);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Could not set the native thread count to {}: {}", n, e.toString());
        }
    }

    private record Cached(ArrayDataset data, long bytes) {
    }

    /**
     * The partition's arrays in native memory as a dataset with the plan's batching and the
     * partition's seed; cached under (dataset, partition, batching).
     */
    static ArrayDataset data(FitPlan plan, String datasetId, int partition, Block block, boolean training) {
        long seed = Seeding.partitionSeed(plan.seed(), partition);
        boolean shuffle = training && plan.shuffle();
        String key = datasetId + "/" + partition + "/" + plan.batchSize() + "/" + shuffle + "/" + seed + "/"
                + (training ? plan.classWeight() : null);
        synchronized (DATA) {
            Cached c = DATA.get(key);
            if (c != null) {
                return c.data();
            }
        }
        ArrayDataset d = toDataset(block, plan, seed, shuffle, training);
        long bytes = block.bytes();
        synchronized (DATA) {
            DATA.put(key, new Cached(d, bytes));
            dataBytes += bytes;
            DATASETS.remove(datasetId);
            DATASETS.add(datasetId);
            // Datasets of earlier fits are not used again: keep the most recent few, and the bytes bounded.
            while (DATASETS.size() > MAX_DATASETS) {
                String old = DATASETS.iterator().next();
                DATASETS.remove(old);
                DATA.entrySet().removeIf(e -> {
                    boolean drop = e.getKey().startsWith(old + "/");
                    if (drop) {
                        dataBytes -= e.getValue().bytes();
                    }
                    return drop;
                });
            }
            Iterator<Map.Entry<String, Cached>> it = DATA.entrySet().iterator();
            while (dataBytes > CACHE_BYTES && DATA.size() > 1 && it.hasNext()) {
                Map.Entry<String, Cached> e = it.next();
                if (!e.getKey().equals(key)) {
                    dataBytes -= e.getValue().bytes();
                    it.remove();
                }
            }
        }
        return d;
    }

    /** The block as a dataset with the plan's batching (not cached: streaming windows). */
    static ArrayDataset toDataset(Block block, FitPlan plan, long seed, boolean shuffle, boolean training) {
        return new ArrayDataset(block.inputArrays(plan.inputShapes()), block.targetArrays(), block.weightArray(),
                training ? plan.classWeight() : null, plan.batchSize(), shuffle, seed);
    }

    /** Spark training ships float32 parameter vectors: other model types are refused, saying why. */
    static void checkFloat(Model model) {
        if (model.dtype() != DataType.FLOAT) {
            throw new IllegalArgumentException("Spark training supports float32 models; model \"" + model.name()
                    + "\" computes in " + model.dtype());
        }
    }
}
