package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;

/** Uniform values in [minval, maxval): minval (-0.05), maxval (0.05), seed (null = process seed source). */
public final class RandomUniform extends Initializer {
    private final double minval;
    private final double maxval;
    private final Long seed;

    public RandomUniform() {
        this(-0.05, 0.05, null);
    }

    public RandomUniform(double minval, double maxval, Long seed) {
        if (!(maxval > minval)) {
            throw new IllegalArgumentException("RandomUniform: maxval must exceed minval, received minval="
                    + minval + ", maxval=" + maxval);
        }
        this.minval = minval;
        this.maxval = maxval;
        this.seed = seed;
    }

    @Override
    public INDArray initialize(long[] shape, DataType dtype) {
        SplittableRandom r = new SplittableRandom(seed != null ? seed : Seeds.next());
        double[] v = new double[(int) count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = minval + (maxval - minval) * r.nextDouble();
        }
        return Nd4j.createFromArray(v).castTo(dtype).reshape('c', shape);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("minval", minval);
        c.put("maxval", maxval);
        c.put("seed", seed);
        return c;
    }

    @Override
    public String name() {
        return "random_uniform";
    }
}
