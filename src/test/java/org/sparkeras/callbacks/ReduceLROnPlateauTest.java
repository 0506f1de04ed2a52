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
import org.sparkeras.training.Fit;

class ReduceLROnPlateauTest {
    /** Runs the scripted values of {@code key}; returns [logged rate, rate after the epoch] per epoch. */
    private static List<double[]> script(ReduceLROnPlateau r, SGD sgd, String key, double... values) {
        Sequential m = CallbackFixture.model(sgd);
        r.setModel(m);
        r.onTrainBegin(Map.of());
        List<double[]> out = new ArrayList<>();
        for (int e = 0; e < values.length; e++) {
            Map<String, Double> l = logs(key, values[e]);
            r.onEpochEnd(e, l);
            out.add(new double[] {l.get("learning_rate"), sgd.learningRate()});
        }
        return out;
    }

    private static void assertRates(double[] logged, double[] after, List<double[]> got) {
        for (int e = 0; e < got.size(); e++) {
            assertEquals(logged[e], got.get(e)[0], 0.0, "logged rate of epoch " + e);
            assertEquals(after[e], got.get(e)[1], 0.0, "rate after epoch " + e);
        }
    }

    @Test
    void factorCooldownAndMinLr() {
        SGD sgd = new SGD(1.0);
        ReduceLROnPlateau r = new ReduceLROnPlateau().factor(0.5).patience(1).cooldown(2).minLr(0.3);
        List<double[]> got = script(r, sgd, "val_loss", 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
        assertRates(new double[] {1.0, 1.0, 0.5, 0.5, 0.3, 0.3, 0.3},
                new double[] {1.0, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3}, got);
        assertEquals(2, r.waitCount(), "at min_lr the wait keeps counting");
    }

    @Test
    void improvementsSmallerThanMinDeltaDoNotCount() {
        // default min_delta 1e-4: 0.99995 is no improvement on 1.0, 0.9 is
        assertRates(new double[] {1.0, 1.0, 0.1}, new double[] {1.0, 0.1, 0.1},
                script(new ReduceLROnPlateau().patience(1), new SGD(1.0), "val_loss", 1.0, 0.99995, 0.9));
        assertRates(new double[] {1.0, 1.0, 1.0}, new double[] {1.0, 1.0, 1.0},
                script(new ReduceLROnPlateau().patience(1), new SGD(1.0), "val_loss", 1.0, 0.9, 0.8));
    }

    @Test
    void patienceCountsEpochsWithoutImprovement() {
        assertRates(new double[] {1.0, 1.0, 1.0, 1.0}, new double[] {1.0, 1.0, 1.0, 0.1},
                script(new ReduceLROnPlateau().monitor("loss").patience(3), new SGD(1.0), "loss", 1.0, 1.0, 1.0, 1.0));
    }

    @Test
    void autoModeMaximizesNamesWithAcc() {
        assertRates(new double[] {1.0, 1.0, 1.0}, new double[] {1.0, 1.0, 0.1},
                script(new ReduceLROnPlateau().monitor("val_accuracy").patience(1), new SGD(1.0), "val_accuracy",
                        0.5, 0.6, 0.55));
        assertRates(new double[] {1.0, 1.0}, new double[] {1.0, 0.1},
                script(new ReduceLROnPlateau().monitor("val_accuracy").mode("min").patience(1), new SGD(1.0),
                        "val_accuracy", 0.5, 0.6));
    }

    @Test
    void missingMonitorWarnsAndStillLogsTheRate() {
        SGD sgd = new SGD(0.5);
        ReduceLROnPlateau r = new ReduceLROnPlateau().patience(0);
        r.setModel(CallbackFixture.model(sgd));
        Map<String, Double> l = logs("loss", 1.0);
        String err = CallbackFixture.stderrOf(() -> r.onEpochEnd(0, l));
        assertTrue(err.contains("Learning rate reduction is conditioned on metric `val_loss` which is not available. "
                + "Available metrics are: loss,learning_rate."), err);
        assertEquals(0.5, l.get("learning_rate"));
        assertEquals(0.5, sgd.learningRate());
    }

    @Test
    void aFactorOfOneOrMoreIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau().factor(1.0));
        assertEquals("ReduceLROnPlateau: factor must be in [0, 1), received factor=1.0", e.getMessage());
    }

    @Test
    void realFitRecordsTheRateInHistory() {
        SGD sgd = new SGD(0.01);
        Sequential m = CallbackFixture.model(sgd);
        // a scripted plateau placed before the callback
        LambdaCallback plateau = new LambdaCallback().onEpochEnd((e, l) -> l.put("val_loss", 1.0));
        History h = m.fit(CallbackFixture.X, CallbackFixture.Y, Fit.epochs(3).batchSize(3).verbose(0)
                .callbacks(plateau, new ReduceLROnPlateau().patience(1).factor(0.5)));
        // the logged rate is the one before the epoch's reduction, as Keras
        assertEquals(List.of(0.01, 0.01, 0.005), h.get("learning_rate"));
        assertEquals(0.0025, sgd.learningRate());
    }
}
