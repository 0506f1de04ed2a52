package org.sparkeras.callbacks;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A callback built from lambdas, as Keras's {@code LambdaCallback}: each hook runs its lambda if
 * one was given and does nothing otherwise. Epoch and batch hooks receive the 0-based index and
 * the logs; train begin and end receive the logs.
 *
 * <pre>{@code
 * new LambdaCallback()
 *         .onEpochEnd((epoch, logs) -> System.out.println(epoch + " " + logs.get("loss")))
 *         .onTrainEnd(logs -> System.out.println("done"));
 * }</pre>
 */
public class LambdaCallback extends Callback {
    /** A hook taking a 0-based epoch or batch index and the logs. */
    @FunctionalInterface
    public interface IndexedHook {
        void accept(int index, Map<String, Double> logs);
    }

    private IndexedHook epochBegin;
    private IndexedHook epochEnd;
    private Consumer<Map<String, Double>> trainBegin;
    private Consumer<Map<String, Double>> trainEnd;
    private IndexedHook trainBatchBegin;
    private IndexedHook trainBatchEnd;

    public LambdaCallback onEpochBegin(IndexedHook hook) {
        this.epochBegin = hook;
        return this;
    }

    public LambdaCallback onEpochEnd(IndexedHook hook) {
        this.epochEnd = hook;
        return this;
    }

    public LambdaCallback onTrainBegin(Consumer<Map<String, Double>> hook) {
        this.trainBegin = hook;
        return this;
    }

    public LambdaCallback onTrainEnd(Consumer<Map<String, Double>> hook) {
        this.trainEnd = hook;
        return this;
    }

    public LambdaCallback onTrainBatchBegin(IndexedHook hook) {
        this.trainBatchBegin = hook;
        return this;
    }

    public LambdaCallback onTrainBatchEnd(IndexedHook hook) {
        this.trainBatchEnd = hook;
        return this;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        if (epochBegin != null) {
            epochBegin.accept(epoch, logs);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (epochEnd != null) {
            epochEnd.accept(epoch, logs);
        }
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        if (trainBegin != null) {
            trainBegin.accept(logs);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (trainEnd != null) {
            trainEnd.accept(logs);
        }
    }

    @Override
    public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
        if (trainBatchBegin != null) {
            trainBatchBegin.accept(batch, logs);
        }
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        if (trainBatchEnd != null) {
            trainBatchEnd.accept(batch, logs);
        }
    }
}
