package org.sparkeras.callbacks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops training when a batch's "loss" log is NaN or infinite, as Keras's {@code TerminateOnNaN}:
 * sets {@code model.setStopTraining(true)} and logs a warning. The local training loop already
 * refuses a non-finite step and stops on its own; this callback is the explicit Keras form, useful
 * with loops that do not.
 *
 * <pre>{@code
 * model.fit(x, y, Fit.epochs(10).callbacks(new TerminateOnNaN()));
 * }</pre>
 */
public class TerminateOnNaN extends Callback {
    private static final Logger LOG = LoggerFactory.getLogger(TerminateOnNaN.class);

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        Double loss = logs == null ? null : logs.get("loss");
        if (loss != null && (loss.isNaN() || loss.isInfinite())) {
            LOG.warn("Batch {}: Invalid loss {}, terminating training", batch, loss);
            model.setStopTraining(true);
        }
    }

    /** The configuration: TerminateOnNaN has no arguments, so it is empty. */
    public Map<String, Object> getConfig() {
        return new LinkedHashMap<>();
    }
}
