package org.sparkeras.initializers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.backend.Host;
import org.sparkeras.backend.Seeds;
import org.sparkeras.saving.Registry;

class InitializersTest {
    /** Keras's correction: the standard deviation of a unit normal truncated at +-2. */
    private static final double TRUNCATED_STD = 0.87962566103423978;

    private record Stats(double mean, double std, double maxAbs, double min, double max) {}

    private static Stats stats(INDArray a) {
        double[] v = Host.toDoubles(a);
        double sum = 0, sq = 0, maxAbs = 0, min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (double x : v) {
            sum += x;
            maxAbs = Math.max(maxAbs, Math.abs(x));
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double mean = sum / v.length;
        for (double x : v) {
            sq += (x - mean) * (x - mean);
        }
        return new Stats(mean, Math.sqrt(sq / v.length), maxAbs, min, max);
    }

    private static void assertRelative(double expected, double actual, double rel, String what) {
        assertEquals(expected, actual, Math.abs(expected) * rel, what);
    }

    // ---------------------------------------------------------------- statistics on large samples

    @Test
    void glorotUniformLimit() {
        // limit = sqrt(6 / (300 + 500)); the standard deviation of U(-l, l) is l / sqrt(3).
        double limit = Math.sqrt(6.0 / 800);
        Stats s = stats(new GlorotUniform(1L).initialize(new long[] {300, 500}, DataType.DOUBLE));
        assertTrue(s.maxAbs() <= limit, "max |v| " + s.maxAbs() + " > " + limit);
        assertTrue(s.maxAbs() > 0.999 * limit, "values should reach the limit: " + s.maxAbs());
        assertRelative(limit / Math.sqrt(3), s.std(), 0.02, "std");
        assertEquals(0, s.mean(), 1e-3, "mean");
    }

    @Test
    void glorotNormalStddevWithTruncation() {
        double std = Math.sqrt(2.0 / 800);
        Stats s = stats(new GlorotNormal(2L).initialize(new long[] {300, 500}, DataType.DOUBLE));
        assertRelative(std, s.std(), 0.02, "std");
        double bound = 2 * std / TRUNCATED_STD;
        assertTrue(s.maxAbs() <= bound, "truncated at " + bound + ", max |v| " + s.maxAbs());
        assertTrue(s.maxAbs() > 0.99 * bound, "max |v| " + s.maxAbs());
        assertEquals(0, s.mean(), 1e-3, "mean");
    }

    @Test
    void heNormalStddevWithTruncation() {
        // stddev sqrt(2 / fan_in) after truncation at two standard deviations of the underlying normal.
        double std = Math.sqrt(2.0 / 400);
        Stats s = stats(new HeNormal(3L).initialize(new long[] {400, 300}, DataType.DOUBLE));
        assertRelative(std, s.std(), 0.02, "std");
        double bound = 2 * std / TRUNCATED_STD;
        assertTrue(s.maxAbs() <= bound, "truncated at " + bound + ", max |v| " + s.maxAbs());
        assertTrue(s.maxAbs() > 0.99 * bound, "max |v| " + s.maxAbs());
        assertEquals(0, s.mean(), 1e-3, "mean");
    }

    @Test
    void heUniformAndLecunNormal() {
        double limit = Math.sqrt(6.0 / 400);
        Stats u = stats(new HeUniform(4L).initialize(new long[] {400, 300}, DataType.DOUBLE));
        assertTrue(u.maxAbs() <= limit && u.maxAbs() > 0.999 * limit, "he_uniform max |v| " + u.maxAbs());
        assertRelative(limit / Math.sqrt(3), u.std(), 0.02, "he_uniform std");
        Stats l = stats(new LecunNormal(5L).initialize(new long[] {400, 300}, DataType.DOUBLE));
        assertRelative(Math.sqrt(1.0 / 400), l.std(), 0.02, "lecun_normal std");
        assertTrue(l.maxAbs() <= 2 * Math.sqrt(1.0 / 400) / TRUNCATED_STD, "lecun_normal is truncated");
    }

    @Test
    void varianceScalingFanOutUntruncated() {
        double std = Math.sqrt(2.0 / 100);
        Stats s = stats(new VarianceScaling(2.0, "fan_out", "untruncated_normal", 6L).initialize(new long[] {300, 100},
                DataType.DOUBLE));
        assertRelative(std, s.std(), 0.02, "std");
        assertTrue(s.maxAbs() > 3 * std, "an untruncated normal goes beyond two standard deviations: " + s.maxAbs());
    }

    @Test
    void convolutionKernelFans() {
        // [3, 3, 4, 8]: fan_in = 3 * 3 * 4 = 36, fan_out = 3 * 3 * 8 = 72.
        double limit = Math.sqrt(6.0 / 36);
        Stats s = stats(new HeUniform(7L).initialize(new long[] {3, 3, 4, 8}, DataType.DOUBLE));
        assertTrue(s.maxAbs() <= limit && s.maxAbs() > 0.9 * limit, "max |v| " + s.maxAbs() + ", limit " + limit);
        double fanOutLimit = Math.sqrt(3.0 / 72);
        Stats o = stats(new VarianceScaling(1.0, "fan_out", "uniform", 8L).initialize(new long[] {3, 3, 4, 8}, DataType.DOUBLE));
        assertTrue(o.maxAbs() <= fanOutLimit && o.maxAbs() > 0.9 * fanOutLimit, "fan_out max |v| " + o.maxAbs());
    }

    @Test
    void randomNormalAndUniformBounds() {
        Stats n = stats(new RandomNormal(1.0, 0.5, 9L).initialize(new long[] {200, 500}, DataType.DOUBLE));
        assertEquals(1.0, n.mean(), 0.01, "mean");
        assertRelative(0.5, n.std(), 0.02, "std");
        assertTrue(n.maxAbs() > 1.0 + 3 * 0.5, "random_normal is not truncated: " + n.max());
        Stats u = stats(new RandomUniform(-0.2, 0.3, 10L).initialize(new long[] {200, 500}, DataType.DOUBLE));
        assertTrue(u.min() >= -0.2 && u.min() < -0.199, "min " + u.min());
        assertTrue(u.max() < 0.3 && u.max() > 0.299, "max " + u.max());
        assertEquals(0.05, u.mean(), 0.002, "mean");
        Stats d = stats(new RandomUniform().initialize(new long[] {100, 100}, DataType.DOUBLE));
        assertTrue(d.min() >= -0.05 && d.max() < 0.05, "default bounds [-0.05, 0.05)");
    }

    @Test
    void constants() {
        assertArrayEquals(new double[6], Host.toDoubles(Constant.zeros().initialize(new long[] {2, 3}, DataType.DOUBLE)), 0);
        assertArrayEquals(new double[] {1, 1, 1}, Host.toDoubles(Constant.ones().initialize(new long[] {3}, DataType.FLOAT)), 0);
        assertArrayEquals(new double[] {2.5, 2.5, 2.5, 2.5},
                Host.toDoubles(new Constant(2.5).initialize(new long[] {2, 2}, DataType.DOUBLE)), 0);
        assertEquals(Map.of(), Constant.zeros().getConfig());
        assertEquals(Map.of("value", 2.5), new Constant(2.5).getConfig());
        assertEquals("ones", Constant.ones().name());
    }

    // ---------------------------------------------------------------- determinism, shape, type

    private static List<Initializer> seeded(long seed) {
        return List.of(new GlorotUniform(seed), new GlorotNormal(seed), new HeUniform(seed), new HeNormal(seed),
                new LecunNormal(seed), new RandomNormal(0, 1, seed), new RandomUniform(-1, 1, seed),
                new VarianceScaling(1.0, "fan_avg", "untruncated_normal", seed));
    }

    @Test
    void seededInitializersAreDeterministic() {
        List<Initializer> a = seeded(42), b = seeded(42), c = seeded(43);
        for (int i = 0; i < a.size(); i++) {
            double[] first = Host.toDoubles(a.get(i).initialize(new long[] {5, 4}, DataType.DOUBLE));
            assertArrayEquals(first, Host.toDoubles(a.get(i).initialize(new long[] {5, 4}, DataType.DOUBLE)), 0,
                    a.get(i).name() + " twice");
            assertArrayEquals(first, Host.toDoubles(b.get(i).initialize(new long[] {5, 4}, DataType.DOUBLE)), 0,
                    a.get(i).name() + " same seed");
            assertFalse(Arrays.equals(first, Host.toDoubles(c.get(i).initialize(new long[] {5, 4}, DataType.DOUBLE))),
                    a.get(i).name() + " another seed");
        }
    }

    @Test
    void shapeAndTypeAndFloatIsTheRoundedDouble() {
        for (Initializer init : seeded(11)) {
            INDArray d = init.initialize(new long[] {3, 4, 2}, DataType.DOUBLE);
            INDArray f = init.initialize(new long[] {3, 4, 2}, DataType.FLOAT);
            assertArrayEquals(new long[] {3, 4, 2}, d.shape(), init.name());
            assertEquals('c', d.ordering());
            assertEquals(DataType.DOUBLE, d.dataType());
            assertEquals(DataType.FLOAT, f.dataType());
            double[] dv = Host.toDoubles(d);
            float[] fv = Host.toFloats(f, null);
            for (int i = 0; i < dv.length; i++) {
                assertEquals((float) dv[i], fv[i], 0, init.name() + " [" + i + "]");
            }
        }
    }

    @Test
    void unseededInitializersFollowTheProcessSeed() {
        Seeds.setRandomSeed(123);
        double[] first = Host.toDoubles(new GlorotUniform().initialize(new long[] {4, 4}, DataType.DOUBLE));
        double[] second = Host.toDoubles(new GlorotUniform().initialize(new long[] {4, 4}, DataType.DOUBLE));
        Seeds.setRandomSeed(123);
        assertArrayEquals(first, Host.toDoubles(new GlorotUniform().initialize(new long[] {4, 4}, DataType.DOUBLE)), 0);
        assertArrayEquals(second, Host.toDoubles(new GlorotUniform().initialize(new long[] {4, 4}, DataType.DOUBLE)), 0);
        assertFalse(Arrays.equals(first, second), "each unseeded draw takes the next seed");
    }

    // ---------------------------------------------------------------- names and configs

    @Test
    void everyNameResolves() {
        Set<String> names = Set.of("constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "lecun_normal",
                "ones", "random_normal", "random_uniform", "variance_scaling", "zeros");
        assertEquals(names, Registry.names(Registry.Kind.INITIALIZER));
        for (String name : names) {
            assertEquals(name, Initializer.get(name).name());
        }
        assertEquals("glorot_uniform", Initializer.get("GlorotUniform").name());
    }

    @Test
    void configs() {
        Map<String, Object> seedOnly = new LinkedHashMap<>();
        seedOnly.put("seed", null);
        assertEquals(seedOnly, new GlorotUniform().getConfig());
        assertEquals(Map.of("seed", 5L), new HeNormal(5L).getConfig());
        Map<String, Object> normal = new LinkedHashMap<>();
        normal.put("mean", 0.0);
        normal.put("stddev", 0.05);
        normal.put("seed", null);
        assertEquals(normal, new RandomNormal().getConfig());
        assertEquals(Map.of("minval", -0.05, "maxval", 0.05, "seed", 3L),
                Registry.create(Registry.Kind.INITIALIZER, "random_uniform", Map.of("seed", 3), Initializer.class).getConfig());
        assertEquals(Map.of("scale", 2.0, "mode", "fan_out", "distribution", "truncated_normal", "seed", 1L),
                new VarianceScaling(2.0, "FAN_OUT", "normal", 1L).getConfig());
    }

    @Test
    void invalidArguments() {
        assertEquals("RandomUniform: maxval must exceed minval, received minval=1.0, maxval=0.0",
                assertThrows(IllegalArgumentException.class, () -> new RandomUniform(1, 0, null)).getMessage());
        assertEquals("VarianceScaling: mode must be fan_in, fan_out or fan_avg, received fan_mid",
                assertThrows(IllegalArgumentException.class, () -> new VarianceScaling(1, "fan_mid", "uniform", null)).getMessage());
        assertEquals("VarianceScaling: distribution must be truncated_normal, untruncated_normal or uniform, received cauchy",
                assertThrows(IllegalArgumentException.class, () -> new VarianceScaling(1, "fan_in", "cauchy", null)).getMessage());
        assertEquals("VarianceScaling: scale must be positive, received 0.0",
                assertThrows(IllegalArgumentException.class, () -> new VarianceScaling(0, "fan_in", "uniform", null)).getMessage());
    }
}
