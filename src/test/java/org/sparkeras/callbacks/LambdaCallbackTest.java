package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Fit;

class LambdaCallbackTest {
    @Test
    void hooksAreCalledInTrainingOrder() {
        List<String> calls = new ArrayList<>();
        LambdaCallback cb = new LambdaCallback()
                .onTrainBegin(l -> calls.add("train_begin"))
                .onEpochBegin((e, l) -> calls.add("epoch_begin " + e))
                .onTrainBatchBegin((b, l) -> calls.add("batch_begin " + b))
                .onTrainBatchEnd((b, l) -> calls.add("batch_end " + b + (l.containsKey("loss") ? " loss" : "")))
                .onEpochEnd((e, l) -> calls.add("epoch_end " + e + " " + l.keySet()))
                .onTrainEnd(l -> calls.add("train_end " + l.keySet()));
        Sequential m = CallbackFixture.model(new SGD(0.01));
        // 6 samples in batches of 3: 2 batches per epoch
        m.fit(CallbackFixture.X, CallbackFixture.Y, Fit.epochs(2).batchSize(3).verbose(0).callbacks(cb));
        assertEquals(List.of("train_begin",
                "epoch_begin 0", "batch_begin 0", "batch_end 0 loss", "batch_begin 1", "batch_end 1 loss",
                "epoch_end 0 [loss]",
                "epoch_begin 1", "batch_begin 0", "batch_end 0 loss", "batch_begin 1", "batch_end 1 loss",
                "epoch_end 1 [loss]",
                "train_end [loss]"), calls);
    }

    @Test
    void unsetHooksDoNothing() {
        List<Integer> epochs = new ArrayList<>();
        LambdaCallback cb = new LambdaCallback().onEpochEnd((e, l) -> epochs.add(e));
        cb.onTrainBegin(Map.of());
        cb.onEpochBegin(0, Map.of());
        cb.onTrainBatchBegin(0, Map.of());
        cb.onTrainBatchEnd(0, Map.of());
        cb.onEpochEnd(0, Map.of());
        cb.onTrainEnd(Map.of());
        assertEquals(List.of(0), epochs);
    }
}
