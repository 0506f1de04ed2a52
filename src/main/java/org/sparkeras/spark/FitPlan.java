package org.sparkeras.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.sparkeras.optimizers.schedules.LearningRateSchedule;

/**
 * What every task of one fit (or one evaluation) needs besides the round's parameters: the model
 * archive (architecture and compile settings; weights are replaced each round), the data's
 * layout and the batching rules. Broadcast once per fit; executors build their replicas from it.
 *
 * @param planId names the model structure and compile settings: replicas are pooled under it
 * @param archive the model archive bytes ({@code ModelArchive.toBytes})
 * @param datasetId the dataset whose partitions the tasks read (native arrays are cached under it)
 * @param inputShapes per-sample input shapes
 * @param batchSize samples per batch and worker
 * @param shuffle whether each partition draws a new order every epoch
 * @param seed the fit's seed; batch orders and dropout masks derive from it
 * @param classWeight weights per class index, or null
 * @param stepsPerRound K, the local steps between two averagings
 * @param stepsPerEpoch the cap of steps per partition and epoch, or null
 * @param averageOptimizerState whether the optimizer state travels with the parameters
 * @param schedule the optimizer's learning-rate schedule, or null
 * @param threads native (OpenMP/BLAS) threads per task
 * @param customObjects run once per executor JVM before the first replica is built (registers
 *     custom layers, losses... with the Registry), or null
 */
record FitPlan(String planId, byte[] archive, String datasetId, List<long[]> inputShapes, int batchSize, boolean shuffle,
        long seed, Map<Integer, Double> classWeight, int stepsPerRound, Integer stepsPerEpoch,
        boolean averageOptimizerState, LearningRateSchedule schedule, int threads, SerializableRunnable customObjects)
        implements Serializable {
}
