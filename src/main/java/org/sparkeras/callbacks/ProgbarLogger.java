package org.sparkeras.callbacks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's console output of {@code fit}. Verbose 1: a progress bar per epoch with ETA and running
 * metrics, redrawn at most ten times a second, then the epoch's time and final metrics:
 *
 * <pre>
 * Epoch 1/20
 * 1719/1719 [==============================] - 3s 2ms/step - loss: 0.6061 - accuracy: 0.8415 - val_loss: 0.3107 - val_accuracy: 0.9140
 * </pre>
 *
 * Verbose 2: only the final line of each epoch. Verbose 0: nothing.
 */
public class ProgbarLogger extends Callback {
    private static final int WIDTH = 30;
    private final int verbose;
    private final PrintStream out;
    private int epochs;
    private int steps;
    private long epochStart;
    private long lastDraw;

    public ProgbarLogger(int verbose, PrintStream out) {
        this.verbose = verbose;
        this.out = out;
    }

    @Override
    public void setParams(Map<String, Object> params) {
        super.setParams(params);
        epochs = ((Number) params.getOrDefault("epochs", 1)).intValue();
        steps = ((Number) params.getOrDefault("steps", 0)).intValue();
    }

    @Override
    public boolean wantsBatchLogs() {
        return verbose == 1;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        epochStart = System.nanoTime();
        lastDraw = 0;
        if (verbose > 0) {
            out.println("Epoch " + (epoch + 1) + "/" + epochs);
        }
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        if (verbose != 1) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && batch + 1 < steps) {
            return;
        }
        lastDraw = now;
        int done = batch + 1;
        double elapsed = (now - epochStart) / 1e9;
        StringBuilder b = new StringBuilder("\r").append(bar(done));
        if (steps > 0 && done < steps) {
            double eta = elapsed / done * (steps - done);
            b.append(" - ETA: ").append(duration(eta));
        } else {
            b.append(" - ").append(duration(elapsed));
        }
        appendLogs(b, logs);
        out.print(b);
        out.flush();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (verbose == 0) {
            return;
        }
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        int n = Math.max(steps, 1);
        StringBuilder b = new StringBuilder();
        if (verbose == 1) {
            b.append('\r').append(steps > 0 ? bar(steps) + " - " : "").append(duration(elapsed)).append(' ');
        } else {
            b.append(steps > 0 ? steps + "/" + steps + " - " : "").append(duration(elapsed)).append(" - ");
        }
        b.append(perStep(elapsed / n)).append("/step");
        appendLogs(b, logs);
        out.println(b);
    }

    private String bar(int done) {
        if (steps <= 0) {
            return done + "/Unknown";
        }
        String count = String.valueOf(steps);
        StringBuilder b = new StringBuilder();
        b.append(" ".repeat(Math.max(0, count.length() - String.valueOf(done).length()))).append(done).append('/')
                .append(count).append(" [");
        int filled = (int) ((long) WIDTH * done / steps);
        if (done >= steps) {
            b.append("=".repeat(WIDTH));
        } else {
            b.append("=".repeat(Math.max(0, filled))).append('>').append(".".repeat(Math.max(0, WIDTH - filled - 1)));
        }
        return b.append(']').toString();
    }

    private static void appendLogs(StringBuilder b, Map<String, Double> logs) {
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            b.append(" - ").append(e.getKey()).append(": ").append(String.format(Locale.ROOT, "%.4f", e.getValue()));
        }
    }

    private static String duration(double seconds) {
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", (int) (seconds / 3600), (int) (seconds % 3600 / 60),
                    (int) (seconds % 60));
        }
        if (seconds >= 60) {
            return String.format(Locale.ROOT, "%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
        }
        return Math.round(seconds) + "s";
    }

    private static String perStep(double seconds) {
        if (seconds >= 1) {
            return Math.round(seconds) + "s";
        }
        if (seconds >= 1e-3) {
            return Math.round(seconds * 1e3) + "ms";
        }
        return Math.round(seconds * 1e6) + "us";
    }
}
