package org.sparkeras.callbacks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops training when a monitored quantity has stopped improving, as Keras 3's
 * {@code EarlyStopping}. At the end of every epoch from {@code start_from_epoch} on: the wait
 * counter goes up by one; a value better than the best so far by more than {@code min_delta}
 * becomes the best and resets the counter (when there is a {@code baseline}, only if it also beats
 * the baseline); otherwise, once the counter reaches {@code patience} (and the epoch is not the
 * first), {@code model.setStopTraining(true)}.
 *
 * <p>With {@code restore_best_weights}, the weights at the end of the best epoch are put back at
 * the end of training <b>whether or not training was stopped early</b>: Keras 3 restores in
 * {@code on_train_end} whenever best weights were recorded (Keras 2 restored only after an early
 * stop). The first monitored epoch's weights are recorded even if it does not improve.
 *
 * <p>A monitored key missing from the epoch logs logs an SLF4J warning listing the available
 * keys, and the epoch is skipped, as Keras warns. The state (wait, best, best weights) is reset at
 * the start of every fit, so an instance can be reused.
 *
 * <p>Arguments: {@code monitor} = "val_loss", {@code min_delta} = 0 (its absolute value is used),
 * {@code patience} = 0, {@code verbose} = 0 (1 prints the stop and restore messages to standard
 * output), {@code mode} = "auto" ("min", "max" or "auto"), {@code baseline} = null,
 * {@code restore_best_weights} = false, {@code start_from_epoch} = 0.
 *
 * <p>Mode "auto" decides from the monitored name without its "val_" prefix, standing in for the
 * metric directions Keras reads from the compiled metrics: "loss", names ending in "_loss" and
 * names containing "error", "crossentropy", "hinge", "divergence", "poisson" or "cosh" are
 * minimized, as are the aliases "mse", "mae", "mape", "msle" and "rmse" (alone or after an output
 * name and "_"); names containing "acc", "auc", "precision", "recall" or "iou" are maximized. Other
 * names fail at the first epoch end, as in Keras: pass mode "min" or "max".
 *
 * <pre>{@code
 * model.fit(x, y, Fit.epochs(100).callbacks(new EarlyStopping().monitor("val_loss").patience(3)
 *         .restoreBestWeights(true)));
 * }</pre>
 */
public class EarlyStopping extends Callback {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    private String monitor = "val_loss";
    private double minDelta = 0;
    private int patience = 0;
    private int verbose = 0;
    private String mode = "auto";
    private Double baseline = null;
    private boolean restoreBestWeights = false;
    private int startFromEpoch = 0;

    private Boolean minimize;
    private int wait;
    private int stoppedEpoch;
    private int bestEpoch;
    private double best;
    private List<INDArray> bestWeights;

    public EarlyStopping() {
        resetState();
    }

    /** The log key to watch ("val_loss", "accuracy", ...). */
    public EarlyStopping monitor(String monitor) {
        if (monitor == null || monitor.isEmpty()) {
            throw new IllegalArgumentException("EarlyStopping: monitor must be a non-empty log key, received " + monitor);
        }
        this.monitor = monitor;
        this.minimize = null;
        return this;
    }

    /** The smallest change that counts as an improvement; its absolute value is used. */
    public EarlyStopping minDelta(double minDelta) {
        if (!Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("EarlyStopping: min_delta must be a finite number, received " + minDelta);
        }
        this.minDelta = Math.abs(minDelta);
        return this;
    }

    /** The number of epochs without improvement after which training stops. */
    public EarlyStopping patience(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, received " + patience);
        }
        this.patience = patience;
        return this;
    }

    /** 0: silent; 1: prints when it stops training and when it restores weights. */
    public EarlyStopping verbose(int verbose) {
        if (verbose < 0) {
            throw new IllegalArgumentException("EarlyStopping: verbose must be >= 0, received " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    /** "min", "max" or "auto" (decided from the monitored name). */
    public EarlyStopping mode(String mode) {
        if (!"auto".equals(mode) && !"min".equals(mode) && !"max".equals(mode)) {
            throw new IllegalArgumentException("EarlyStopping: mode must be one of \"auto\", \"min\", \"max\", received "
                    + (mode == null ? null : "\"" + mode + "\""));
        }
        this.mode = mode;
        this.minimize = null;
        return this;
    }

    /** A value the monitored quantity must beat for the wait counter to reset; null for none. */
    public EarlyStopping baseline(Double baseline) {
        this.baseline = baseline;
        return this;
    }

    /** Whether to put back the weights of the best epoch at the end of training. */
    public EarlyStopping restoreBestWeights(boolean restoreBestWeights) {
        this.restoreBestWeights = restoreBestWeights;
        return this;
    }

    /** The number of epochs to ignore before monitoring starts (a warm-up). */
    public EarlyStopping startFromEpoch(int startFromEpoch) {
        if (startFromEpoch < 0) {
            throw new IllegalArgumentException("EarlyStopping: start_from_epoch must be >= 0, received " + startFromEpoch);
        }
        this.startFromEpoch = startFromEpoch;
        return this;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        resetState();
    }

    private void resetState() {
        wait = 0;
        stoppedEpoch = 0;
        bestEpoch = 0;
        bestWeights = null;
        best = Double.NaN;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (minimize == null) {
            minimize = resolveMinimize();
        }
        if (Double.isNaN(best)) {
            best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        Double current = logs == null ? null : logs.get(monitor);
        if (current == null) {
            LOG.warn("Early stopping conditioned on metric `{}` which is not available. Available metrics are: {}",
                    monitor, logs == null ? "" : String.join(",", logs.keySet()));
            return;
        }
        if (epoch < startFromEpoch) {
            return;
        }
        if (restoreBestWeights && bestWeights == null) {
            bestWeights = model.getWeights();
            bestEpoch = epoch;
        }
        wait++;
        if (isImprovement(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = model.getWeights();
            }
            if (baseline == null || isImprovement(current, baseline)) {
                wait = 0;
            }
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            model.setStopTraining(true);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (stoppedEpoch > 0 && verbose > 0) {
            System.out.println("Epoch " + (stoppedEpoch + 1) + ": early stopping");
        }
        if (restoreBestWeights && bestWeights != null) {
            if (verbose > 0) {
                System.out.println("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
            }
            model.setWeights(bestWeights);
        }
    }

    private boolean isImprovement(double value, double reference) {
        return minimize ? value + minDelta < reference : value - minDelta > reference;
    }

    /** Whether the monitored quantity is to be minimized, from the mode and, in "auto", the name. */
    private boolean resolveMinimize() {
        if (mode.equals("min")) {
            return true;
        }
        if (mode.equals("max")) {
            return false;
        }
        String name = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("loss") || n.endsWith("_loss") || n.matches("(.*_)?(mse|mae|mape|msle|rmse)")) {
            return true;
        }
        for (String down : new String[] {"error", "crossentropy", "hinge", "divergence", "poisson", "cosh"}) {
            if (n.contains(down)) {
                return true;
            }
        }
        for (String up : new String[] {"acc", "auc", "precision", "recall", "iou"}) {
            if (n.contains(up)) {
                return false;
            }
        }
        throw new IllegalArgumentException("EarlyStopping callback received monitor=" + monitor + " but cannot determine "
                + "automatically whether that metric should be maximized or minimized: expected mode \"max\" or \"min\", "
                + "received mode \"auto\"");
    }

    /** The epoch (0-based) at which training was stopped, or 0 when it was not stopped. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The epoch (0-based) with the best monitored value. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best monitored value so far: NaN before the first epoch end of a fit, then +/-infinity until a value is seen. */
    public double best() {
        return best;
    }

    /** The number of epochs since the last improvement (Keras's {@code wait}). */
    public int waitCount() {
        return wait;
    }

    /** The configuration, with Keras 3's argument names; {@code Registry.create(Kind.CALLBACK, "EarlyStopping", ...)} reads it back. */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("monitor", monitor);
        c.put("min_delta", minDelta);
        c.put("patience", patience);
        c.put("verbose", verbose);
        c.put("mode", mode);
        c.put("baseline", baseline);
        c.put("restore_best_weights", restoreBestWeights);
        c.put("start_from_epoch", startFromEpoch);
        return c;
    }
}
