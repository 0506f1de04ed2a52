package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;

/** Normal values: mean (0.0), stddev (0.05), seed (null = from the process seed source). */
public final class RandomNormal extends Initializer {
    private final double mean;
    private final double stddev;
    private final Long seed;

    public RandomNormal() {
        this(0.0, 0.05, null);
    }

    public RandomNormal(double mean, double stddev, Long seed) {
        this.mean = mean;
        this.stddev = stddev;
        this.seed = seed;
    }

    @Override
    public INDArray initialize(long[] shape, DataType dtype) {
        SplittableRandom r = new SplittableRandom(seed != null ? seed : Seeds.next());
        double[] v = new double[(int) count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + stddev * gaussian(r);
        }
        return Nd4j.createFromArray(v).castTo(dtype).reshape('c', shape);
    }

    /** A standard normal draw (Box-Muller). */
    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        while (u1 <= 0) {
            u1 = r.nextDouble();
        }
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** A standard normal draw redrawn until it lies within two standard deviations. */
    static double truncatedGaussian(SplittableRandom r) {
        double g;
        do {
            g = gaussian(r);
        } while (Math.abs(g) > 2);
        return g;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("mean", mean);
        c.put("stddev", stddev);
        c.put("seed", seed);
        return c;
    }

    @Override
    public String name() {
        return "random_normal";
    }
}
