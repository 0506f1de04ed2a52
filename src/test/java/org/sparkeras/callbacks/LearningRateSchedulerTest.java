package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkeras.callbacks.CallbackFixture.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.optimizers.schedules.ExponentialDecay;
import org.sparkeras.training.Fit;

class LearningRateSchedulerTest {
    @Test
    void setsTheRateEachEpochAndRecordsItInTheLogs() {
        SGD sgd = new SGD(0.1);
        Sequential m = CallbackFixture.model(sgd);
        List<Double> seen = new ArrayList<>();
        LearningRateScheduler s = new LearningRateScheduler((epoch, lr) -> {
            seen.add(lr);
            return epoch == 0 ? lr : lr * 0.5;
        });
        History h = m.fit(CallbackFixture.X, CallbackFixture.Y, Fit.epochs(3).batchSize(3).verbose(0).callbacks(s));
        assertEquals(List.of(0.1, 0.1, 0.05), seen);
        assertEquals(List.of(0.1, 0.05, 0.025), h.get("learning_rate"));
        assertEquals(0.025, sgd.learningRate());
    }

    @Test
    void theNewRateIsTheOneTheOptimizerUses() {
        // lr 0 from epoch 1 on: the weights after epoch 0 stay as they are
        Sequential m = CallbackFixture.model(new SGD(0.1));
        List<float[]> kernels = new ArrayList<>();
        LambdaCallback record = new LambdaCallback().onEpochEnd((e, l) -> kernels.add(m.getWeights().get(0).toFloatVector()));
        m.fit(CallbackFixture.X, CallbackFixture.Y, Fit.epochs(3).batchSize(3).verbose(0)
                .callbacks(new LearningRateScheduler((epoch, lr) -> epoch == 0 ? 0.1 : 0.0), record));
        org.junit.jupiter.api.Assertions.assertArrayEquals(kernels.get(0), kernels.get(2));
    }

    @Test
    void verbosePrintsEachRate() {
        Sequential m = CallbackFixture.model(new SGD(0.1));
        LearningRateScheduler s = new LearningRateScheduler((epoch, lr) -> 0.25).verbose(1);
        s.setModel(m);
        String out = CallbackFixture.stdoutOf(() -> s.onEpochBegin(2, Map.of()));
        assertEquals("\nEpoch 3: LearningRateScheduler setting learning rate to 0.25." + System.lineSeparator(), out);
        Map<String, Double> l = logs("loss", 1.0);
        s.onEpochEnd(2, l);
        assertEquals(logs("loss", 1.0, "learning_rate", 0.25), l);
    }

    @Test
    void aNonFiniteRateIsRefused() {
        Sequential m = CallbackFixture.model(new SGD(0.1));
        LearningRateScheduler s = new LearningRateScheduler((epoch, lr) -> Double.NaN);
        s.setModel(m);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.onEpochBegin(1, Map.of()));
        assertEquals("LearningRateScheduler: the schedule must return a finite non-negative learning rate, received NaN "
                + "at epoch 1", e.getMessage());
    }

    @Test
    void anOptimizerDrivenByAScheduleCannotBeScheduledPerEpoch() {
        Sequential m = CallbackFixture.model(new SGD().learningRate(new ExponentialDecay(0.1, 10, 0.5)));
        LearningRateScheduler s = new LearningRateScheduler((epoch, lr) -> 0.5);
        s.setModel(m);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.onEpochBegin(0, Map.of()));
        assertTrue(e.getMessage().startsWith("sgd: the learning rate comes from the schedule ExponentialDecay"),
                e.getMessage());
    }
}
