package org.sparkeras.callbacks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.optimizers.Optimizer;

/**
 * Reduces the learning rate when a monitored quantity has stopped improving, as Keras 3's
 * {@code ReduceLROnPlateau}. At the end of every epoch it records the optimizer's rate in the logs
 * under "learning_rate", then: during a cooldown the cooldown counter goes down by one and the
 * wait counter is reset; a value better than the best by more than {@code min_delta} becomes the
 * best and resets the wait; otherwise, outside a cooldown, the wait goes up and once it reaches
 * {@code patience} a rate above {@code min_lr} becomes {@code max(lr * factor, min_lr)}, the
 * cooldown starts and the wait is reset. A monitored key missing from the logs logs an SLF4J
 * warning listing the available keys. Counters and the best value are reset at every fit.
 *
 * <p>Arguments: {@code monitor} = "val_loss", {@code factor} = 0.1 (in [0, 1)), {@code patience}
 * = 10, {@code verbose} = 0 (1 prints each reduction to standard output), {@code mode} = "auto"
 * ("min", "max", or "auto": max when the name contains "acc", min otherwise, as Keras),
 * {@code min_delta} = 1e-4, {@code cooldown} = 0, {@code min_lr} = 0.
 *
 * <pre>{@code
 * new ReduceLROnPlateau().monitor("val_loss").factor(0.2).patience(5).minLr(0.001);
 * }</pre>
 */
public class ReduceLROnPlateau extends Callback {
    private static final Logger LOG = LoggerFactory.getLogger(ReduceLROnPlateau.class);

    private String monitor = "val_loss";
    private double factor = 0.1;
    private int patience = 10;
    private int verbose = 0;
    private String mode = "auto";
    private double minDelta = 1e-4;
    private int cooldown = 0;
    private double minLr = 0.0;

    private boolean minimize;
    private double best;
    private int wait;
    private int cooldownCounter;

    public ReduceLROnPlateau() {
        reset();
    }

    /** The log key to watch ("val_loss", "accuracy", ...). */
    public ReduceLROnPlateau monitor(String monitor) {
        if (monitor == null || monitor.isEmpty()) {
            throw new IllegalArgumentException("ReduceLROnPlateau: monitor must be a non-empty log key, received "
                    + monitor);
        }
        this.monitor = monitor;
        reset();
        return this;
    }

    /** The factor the rate is multiplied by: new_lr = lr * factor, in [0, 1). */
    public ReduceLROnPlateau factor(double factor) {
        if (!(factor >= 0 && factor < 1.0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in [0, 1), received factor=" + factor);
        }
        this.factor = factor;
        return this;
    }

    /** The number of epochs without improvement after which the rate is reduced. */
    public ReduceLROnPlateau patience(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: patience must be >= 0, received " + patience);
        }
        this.patience = patience;
        return this;
    }

    /** 0: quiet; 1: prints each reduction. */
    public ReduceLROnPlateau verbose(int verbose) {
        if (verbose < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: verbose must be >= 0, received " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    /** "min", "max" or "auto" (max when the monitored name contains "acc"). */
    public ReduceLROnPlateau mode(String mode) {
        if (!"auto".equals(mode) && !"min".equals(mode) && !"max".equals(mode)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: mode must be one of \"auto\", \"min\", \"max\", "
                    + "received " + (mode == null ? null : "\"" + mode + "\""));
        }
        this.mode = mode;
        reset();
        return this;
    }

    /** The margin by which a value must beat the best to count as an improvement. */
    public ReduceLROnPlateau minDelta(double minDelta) {
        if (!Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: min_delta must be a finite number, received "
                    + minDelta);
        }
        this.minDelta = minDelta;
        return this;
    }

    /** The number of epochs after a reduction during which the wait counter stays at 0. */
    public ReduceLROnPlateau cooldown(int cooldown) {
        if (cooldown < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: cooldown must be >= 0, received " + cooldown);
        }
        this.cooldown = cooldown;
        return this;
    }

    /** The lower bound of the learning rate. */
    public ReduceLROnPlateau minLr(double minLr) {
        if (!(minLr >= 0) || Double.isInfinite(minLr)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: min_lr must be a finite non-negative number, "
                    + "received " + minLr);
        }
        this.minLr = minLr;
        return this;
    }

    private void reset() {
        minimize = mode.equals("min") || (mode.equals("auto") && !monitor.contains("acc"));
        best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        cooldownCounter = 0;
        wait = 0;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        reset();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Optimizer opt = model.compiled().optimizer();
        if (logs != null) {
            logs.put("learning_rate", opt.learningRate());
        }
        Double current = logs == null ? null : logs.get(monitor);
        if (current == null) {
            LOG.warn("Learning rate reduction is conditioned on metric `{}` which is not available. Available metrics "
                    + "are: {}.", monitor, logs == null ? "" : String.join(",", logs.keySet()));
            return;
        }
        if (inCooldown()) {
            cooldownCounter--;
            wait = 0;
        }
        if (minimize ? current < best - minDelta : current > best + minDelta) {
            best = current;
            wait = 0;
        } else if (!inCooldown()) {
            wait++;
            if (wait >= patience) {
                double oldLr = opt.learningRate();
                if (oldLr > minLr) {
                    double newLr = Math.max(oldLr * factor, minLr);
                    opt.setLearningRate(newLr);
                    if (verbose > 0) {
                        System.out.println("\nEpoch " + (epoch + 1) + ": ReduceLROnPlateau reducing learning rate to "
                                + newLr + ".");
                    }
                    cooldownCounter = cooldown;
                    wait = 0;
                }
            }
        }
    }

    /** Whether a cooldown after a reduction is running. */
    public boolean inCooldown() {
        return cooldownCounter > 0;
    }

    /** The best monitored value of this fit. */
    public double best() {
        return best;
    }

    /** The number of epochs since the last improvement or reduction (Keras's {@code wait}). */
    public int waitCount() {
        return wait;
    }

    /** The configuration, with Keras 3's argument names; {@code Registry.create(Kind.CALLBACK, "ReduceLROnPlateau", ...)} reads it back. */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("monitor", monitor);
        c.put("factor", factor);
        c.put("patience", patience);
        c.put("verbose", verbose);
        c.put("mode", mode);
        c.put("min_delta", minDelta);
        c.put("cooldown", cooldown);
        c.put("min_lr", minLr);
        return c;
    }
}
