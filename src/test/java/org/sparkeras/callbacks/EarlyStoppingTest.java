package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkeras.callbacks.CallbackFixture.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Fit;

class EarlyStoppingTest {
    /**
     * Calls the hooks as fit does with the scripted values of {@code key}, until the callback stops
     * training; returns the number of epochs run.
     */
    private static int script(EarlyStopping es, Sequential m, String key, double... values) {
        es.setModel(m);
        m.setStopTraining(false);
        es.onTrainBegin(Map.of());
        int epoch = 0;
        for (; epoch < values.length && !m.stopTraining(); epoch++) {
            es.onEpochBegin(epoch, Map.of());
            es.onEpochEnd(epoch, logs(key, values[epoch]));
        }
        es.onTrainEnd(Map.of());
        return epoch;
    }

    private static Sequential model() {
        return CallbackFixture.model(new SGD(0.1));
    }

    @Test
    void stopsWhenPatienceIsExhausted() {
        EarlyStopping es = new EarlyStopping().patience(2);
        assertEquals(4, script(es, model(), "val_loss", 1.0, 0.8, 0.9, 0.85, 0.7, 0.6));
        assertEquals(3, es.stoppedEpoch());
        assertEquals(1, es.bestEpoch());
        assertEquals(0.8, es.best());
    }

    @Test
    void patienceZeroStopsAtTheFirstEpochWithoutImprovement() {
        EarlyStopping es = new EarlyStopping();
        assertEquals(3, script(es, model(), "val_loss", 1.0, 0.9, 0.9, 0.5));
        assertEquals(2, es.stoppedEpoch());
    }

    @Test
    void minDeltaIsTheSmallestImprovement() {
        // 0.95 is 0.05 better than 1.0: not enough for min_delta 0.1 (its sign is ignored, as Keras)
        assertEquals(2, script(new EarlyStopping().monitor("loss").minDelta(-0.1).patience(1), model(), "loss",
                1.0, 0.95, 0.5));
        assertEquals(3, script(new EarlyStopping().monitor("loss").minDelta(0.01).patience(1), model(), "loss",
                1.0, 0.95, 0.5));
        // in max mode the delta works upwards: 0.55 is not 0.1 better than 0.5
        assertEquals(2, script(new EarlyStopping().monitor("accuracy").minDelta(0.1), model(), "accuracy", 0.5, 0.55));
    }

    @Test
    void baselineKeepsTheWaitCountingUntilItIsBeaten() {
        assertEquals(2, script(new EarlyStopping().patience(2).baseline(0.5), model(), "val_loss", 1.0, 1.1, 1.2));
        assertEquals(3, script(new EarlyStopping().patience(2), model(), "val_loss", 1.0, 1.1, 1.2));
        EarlyStopping es = new EarlyStopping().patience(2).baseline(0.5);
        // 0.4 beats the baseline and resets the wait; 0.45 and 0.42 do not improve on 0.4
        assertEquals(4, script(es, model(), "val_loss", 1.0, 0.4, 0.45, 0.42, 0.41));
        assertEquals(3, es.stoppedEpoch());
    }

    @Test
    void startFromEpochIgnoresTheWarmupEpochs() {
        EarlyStopping es = new EarlyStopping().monitor("loss").startFromEpoch(2);
        assertEquals(5, script(es, model(), "loss", 1.0, 2.0, 3.0, 2.5, 2.6, 1.0));
        assertEquals(4, es.stoppedEpoch());
        assertEquals(2.5, es.best());
    }

    @Test
    void autoModeMaximizesAccuracyAndMinimizesLossesAndErrors() {
        assertEquals(3, script(new EarlyStopping().monitor("val_accuracy"), model(), "val_accuracy", 0.5, 0.6, 0.55, 0.7));
        assertEquals(2, script(new EarlyStopping().monitor("auc"), model(), "auc", 0.5, 0.4, 0.7));
        assertEquals(2, script(new EarlyStopping(), model(), "val_loss", 0.5, 0.6, 0.55));
        assertEquals(3, script(new EarlyStopping().monitor("val_mean_squared_error"), model(), "val_mean_squared_error",
                0.5, 0.4, 0.45, 0.1));
        assertEquals(3, script(new EarlyStopping().monitor("mae"), model(), "mae", 0.5, 0.4, 0.45, 0.1));
        // explicit modes override the name
        assertEquals(2, script(new EarlyStopping().monitor("val_accuracy").mode("min"), model(), "val_accuracy",
                0.5, 0.6, 0.55));
        assertEquals(3, script(new EarlyStopping().mode("max"), model(), "val_loss", 0.5, 0.6, 0.55, 0.7));
    }

    @Test
    void autoModeRefusesANameItCannotClassify() {
        EarlyStopping es = new EarlyStopping().monitor("my_score");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> script(es, model(), "my_score", 1.0));
        assertEquals("EarlyStopping callback received monitor=my_score but cannot determine automatically whether that "
                + "metric should be maximized or minimized: expected mode \"max\" or \"min\", received mode \"auto\"",
                e.getMessage());
        assertEquals(2, script(new EarlyStopping().monitor("my_score").mode("max"), model(), "my_score", 1.0, 0.5));
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().mode("up"));
        assertEquals("EarlyStopping: mode must be one of \"auto\", \"min\", \"max\", received \"up\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().patience(-1));
        assertEquals("EarlyStopping: patience must be >= 0, received -1", e.getMessage());
    }

    @Test
    void missingMonitorWarnsWithTheAvailableKeysAndDoesNotStop() {
        Sequential m = model();
        EarlyStopping es = new EarlyStopping();
        es.setModel(m);
        es.onTrainBegin(Map.of());
        String err = CallbackFixture.stderrOf(() -> {
            es.onEpochEnd(0, logs("loss", 1.0, "accuracy", 0.5));
            es.onEpochEnd(1, logs("loss", 2.0, "accuracy", 0.4));
        });
        assertTrue(err.contains("WARN"), err);
        assertTrue(err.contains("Early stopping conditioned on metric `val_loss` which is not available. Available "
                + "metrics are: loss,accuracy"), err);
        assertFalse(m.stopTraining());
    }

    @Test
    void restoreBestWeightsPutsBackTheWeightsOfTheBestEpoch() {
        Sequential m = model();
        EarlyStopping es = new EarlyStopping().patience(2).restoreBestWeights(true);
        es.setModel(m);
        es.onTrainBegin(Map.of());
        double[] losses = {1.0, 0.5, 0.7, 0.8};
        for (int e = 0; e < losses.length && !m.stopTraining(); e++) {
            m.setWeights(CallbackFixture.weights(e, 10 + e, -e));
            es.onEpochEnd(e, logs("val_loss", losses[e]));
        }
        assertTrue(m.stopTraining());
        assertEquals(3, es.stoppedEpoch());
        es.onTrainEnd(Map.of());
        List<INDArray> w = m.getWeights();
        assertArrayEquals(new float[] {1f, 11f}, w.get(0).toFloatVector());
        assertArrayEquals(new float[] {-1f}, w.get(1).toFloatVector());
    }

    @Test
    void restoreBestWeightsAlsoRestoresWhenTrainingWasNotStopped() {
        Sequential m = model();
        EarlyStopping es = new EarlyStopping().patience(5).restoreBestWeights(true);
        es.setModel(m);
        es.onTrainBegin(Map.of());
        double[] losses = {1.0, 0.5, 0.7};
        for (int e = 0; e < losses.length; e++) {
            m.setWeights(CallbackFixture.weights(e, 10 + e, -e));
            es.onEpochEnd(e, logs("val_loss", losses[e]));
        }
        assertFalse(m.stopTraining());
        es.onTrainEnd(Map.of());
        assertArrayEquals(new float[] {1f, 11f}, m.getWeights().get(0).toFloatVector());
    }

    @Test
    void realFitWithAFrozenModelStopsAfterTheSecondEpoch() {
        // learning rate 0 and no shuffling: the loss repeats exactly, so epoch 1 is no improvement
        Sequential m = CallbackFixture.model(new SGD(0.0));
        EarlyStopping es = new EarlyStopping().monitor("loss");
        History h = m.fit(CallbackFixture.X, CallbackFixture.Y, Fit.epochs(10).batchSize(2).shuffle(false).verbose(0)
                .callbacks(es));
        assertEquals(List.of(0, 1), h.epochs());
        assertEquals(h.get("loss").get(0), h.get("loss").get(1));
        assertEquals(1, es.stoppedEpoch());
    }

    @Test
    void realFitRestoresTheWeightsAtTheEndOfTheBestEpoch() {
        Sequential m = CallbackFixture.model(new SGD(0.05));
        double[] scripted = {3.0, 1.0, 2.0, 2.5, 0.5};
        List<List<INDArray>> endOfEpoch = new ArrayList<>();
        // placed before EarlyStopping, it replaces the monitored value and records the weights
        LambdaCallback script = new LambdaCallback().onEpochEnd((e, l) -> {
            l.put("val_loss", scripted[e]);
            endOfEpoch.add(m.getWeights());
        });
        EarlyStopping es = new EarlyStopping().patience(2).restoreBestWeights(true);
        History h = m.fit(CallbackFixture.X, CallbackFixture.Y, Fit.epochs(5).batchSize(2).shuffle(false).verbose(0)
                .callbacks(script, es));
        assertEquals(List.of(0, 1, 2, 3), h.epochs());
        assertEquals(List.of(3.0, 1.0, 2.0, 2.5), h.get("val_loss"));
        float[] best = endOfEpoch.get(1).get(0).toFloatVector();
        assertFalse(java.util.Arrays.equals(best, endOfEpoch.get(3).get(0).toFloatVector()),
                "training must have moved the weights");
        List<INDArray> w = m.getWeights();
        assertArrayEquals(best, w.get(0).toFloatVector());
        assertArrayEquals(endOfEpoch.get(1).get(1).toFloatVector(), w.get(1).toFloatVector());
    }
}
