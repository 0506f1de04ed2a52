package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkeras.callbacks.CallbackFixture.logs;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;

class TerminateOnNaNTest {
    private static boolean stopsOn(Map<String, Double> logs) {
        Sequential m = CallbackFixture.model(new SGD(0.1));
        TerminateOnNaN t = new TerminateOnNaN();
        t.setModel(m);
        m.setStopTraining(false);
        t.onTrainBatchEnd(4, logs);
        return m.stopTraining();
    }

    @Test
    void stopsOnANonFiniteBatchLoss() {
        assertTrue(stopsOn(logs("loss", Double.NaN)));
        assertTrue(stopsOn(logs("loss", Double.POSITIVE_INFINITY)));
        assertTrue(stopsOn(logs("loss", Double.NEGATIVE_INFINITY)));
    }

    @Test
    void keepsTrainingOnAFiniteOrMissingLoss() {
        assertFalse(stopsOn(logs("loss", 1e30)));
        assertFalse(stopsOn(logs("accuracy", Double.NaN)));
        assertFalse(stopsOn(Map.of()));
    }

    @Test
    void logsTheBatch() {
        String err = CallbackFixture.stderrOf(() -> stopsOn(logs("loss", Double.NaN)));
        assertTrue(err.contains("Batch 4: Invalid loss NaN, terminating training"), err);
        assertEquals("", CallbackFixture.stderrOf(() -> stopsOn(logs("loss", 0.5))));
    }
}
