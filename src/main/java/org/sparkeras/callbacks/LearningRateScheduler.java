package org.sparkeras.callbacks;

import java.util.Map;
import org.sparkeras.optimizers.Optimizer;

/**
 * Sets the optimizer's learning rate at the start of every epoch from a function of the 0-based
 * epoch and the current rate, as Keras 3's {@code LearningRateScheduler}, and records the rate in
 * the epoch logs under "learning_rate" (so {@link History} holds it).
 *
 * <p>Arguments: {@code schedule} (required), {@code verbose} = 0 (1 prints each change to
 * standard output). The optimizer must have a constant learning rate: one driven by a
 * {@link org.sparkeras.optimizers.schedules.LearningRateSchedule} cannot be set, as in Keras.
 *
 * <pre>{@code
 * // keep the rate for 10 epochs, then decay it by e^-0.1 per epoch
 * new LearningRateScheduler((epoch, lr) -> epoch < 10 ? lr : lr * Math.exp(-0.1));
 * }</pre>
 */
public class LearningRateScheduler extends Callback {
    /** The new learning rate from the 0-based epoch and the current learning rate. */
    @FunctionalInterface
    public interface Schedule {
        double apply(int epoch, double learningRate);
    }

    private final Schedule schedule;
    private int verbose = 0;

    public LearningRateScheduler(Schedule schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException("LearningRateScheduler: schedule must be a function, received null");
        }
        this.schedule = schedule;
    }

    /** 0: quiet; 1: prints the rate set at each epoch. */
    public LearningRateScheduler verbose(int verbose) {
        if (verbose < 0) {
            throw new IllegalArgumentException("LearningRateScheduler: verbose must be >= 0, received " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        Optimizer opt = model.compiled().optimizer();
        double lr = schedule.apply(epoch, opt.learningRate());
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalStateException("LearningRateScheduler: the schedule must return a finite non-negative "
                    + "learning rate, received " + lr + " at epoch " + epoch);
        }
        opt.setLearningRate(lr);
        if (verbose > 0) {
            System.out.println("\nEpoch " + (epoch + 1) + ": LearningRateScheduler setting learning rate to " + lr + ".");
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (logs != null) {
            logs.put("learning_rate", model.compiled().optimizer().learningRate());
        }
    }
}
