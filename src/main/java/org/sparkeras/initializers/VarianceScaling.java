package org.sparkeras.initializers;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;

/**
 * Keras's VarianceScaling: values with variance {@code scale / n}, where n is fan_in, fan_out or
 * their average ({@code mode}), drawn from a truncated normal (cut at two standard deviations,
 * standard deviation corrected by 0.87962566103423978), an untruncated normal, or a uniform
 * distribution on {@code [-sqrt(3 scale / n), sqrt(3 scale / n)]}.
 *
 * <p>Arguments: scale (1.0), mode ("fan_in", "fan_out", "fan_avg"), distribution
 * ("truncated_normal", "untruncated_normal", "uniform"), seed (null = from {@link Seeds}).
 */
public class VarianceScaling extends Initializer {
    private final double scale;
    private final String mode;
    private final String distribution;
    private final Long seed;

    public VarianceScaling(double scale, String mode, String distribution, Long seed) {
        if (scale <= 0) {
            throw new IllegalArgumentException("VarianceScaling: scale must be positive, received " + scale);
        }
        this.mode = mode.toLowerCase(Locale.ROOT);
        this.distribution = distribution.toLowerCase(Locale.ROOT).equals("normal") ? "truncated_normal"
                : distribution.toLowerCase(Locale.ROOT);
        if (!Map.of("fan_in", 1, "fan_out", 1, "fan_avg", 1).containsKey(this.mode)) {
            throw new IllegalArgumentException("VarianceScaling: mode must be fan_in, fan_out or fan_avg, received " + mode);
        }
        if (!Map.of("truncated_normal", 1, "untruncated_normal", 1, "uniform", 1).containsKey(this.distribution)) {
            throw new IllegalArgumentException("VarianceScaling: distribution must be truncated_normal, "
                    + "untruncated_normal or uniform, received " + distribution);
        }
        this.scale = scale;
        this.seed = seed;
    }

    @Override
    public INDArray initialize(long[] shape, DataType dtype) {
        double[] f = fans(shape);
        double n = switch (mode) {
            case "fan_in" -> f[0];
            case "fan_out" -> f[1];
            default -> (f[0] + f[1]) / 2;
        };
        double s = scale / Math.max(1.0, n);
        SplittableRandom r = new SplittableRandom(seed != null ? seed : Seeds.next());
        double[] v = new double[(int) count(shape)];
        switch (distribution) {
            case "truncated_normal" -> {
                double std = Math.sqrt(s) / 0.87962566103423978;
                for (int i = 0; i < v.length; i++) {
                    v[i] = std * RandomNormal.truncatedGaussian(r);
                }
            }
            case "untruncated_normal" -> {
                double std = Math.sqrt(s);
                for (int i = 0; i < v.length; i++) {
                    v[i] = std * RandomNormal.gaussian(r);
                }
            }
            default -> {
                double limit = Math.sqrt(3 * s);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (2 * r.nextDouble() - 1) * limit;
                }
            }
        }
        return Nd4j.createFromArray(v).castTo(dtype).reshape('c', shape);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("scale", scale);
        c.put("mode", mode);
        c.put("distribution", distribution);
        c.put("seed", seed);
        return c;
    }

    @Override
    public String name() {
        return "variance_scaling";
    }
}
