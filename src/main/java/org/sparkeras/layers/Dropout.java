package org.sparkeras.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Seeds;

/**
 * Sets each input value to 0 with probability {@code rate} during training and scales the others by
 * 1 / (1 - rate), so the expected sum is unchanged; at inference it passes the input through.
 *
 * <p>Arguments: rate in [0, 1) (required), seed (null = from the process seed source). A seeded
 * Dropout draws the same sequence of masks in every run.
 */
public class Dropout extends Layer {
    private final double rate;
    private final Long seed;
    private SplittableRandom random;

    public Dropout(double rate) {
        this(rate, null);
    }

    public Dropout(double rate, Long seed) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), received " + rate);
        }
        this.rate = rate;
        this.seed = seed;
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        if (!training || rate == 0) {
            return inputs;
        }
        if (random == null) {
            random = new SplittableRandom(seed != null ? seed : Seeds.next());
        }
        return Ops.dropout(inputs, rate, random);
    }

    /**
     * Restarts the mask stream from {@code streamSeed} combined with the layer's own seed (or 0):
     * a distributed trainer calls this at the start of every round with a seed derived from
     * (seed, epoch, round, partition), so a retried task draws the same masks.
     */
    public void reseed(long streamSeed) {
        random = new SplittableRandom((seed != null ? seed : 0L) * 0x9E3779B97F4A7C15L ^ streamSeed);
    }

    @Override
    protected void checkInput(int index, long[] perSample) {
        // Element-wise: any shape.
    }

    public double rate() {
        return rate;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("rate", rate);
        c.put("seed", seed);
        return c;
    }
}
