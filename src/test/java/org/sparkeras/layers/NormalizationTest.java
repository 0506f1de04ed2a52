package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Host;
import org.sparkeras.models.Sequential;
import org.sparkeras.saving.Registry;
import org.sparkeras.testing.GradientCheck;
import org.sparkeras.testing.LayerHarness;

class NormalizationTest {
    private static final double EXACT = 1e-12;

    private static INDArray m(double[][] rows) {
        return Nd4j.createFromArray(rows);
    }

    private static double[] apply(Layer layer, INDArray x) {
        return Host.toDoubles(layer.apply(Tensor.constant(x), false).value());
    }

    @Test
    void harnessWithGivenMeanAndVariance() {
        LayerHarness.of(() -> new Normalization().mean(0.5, -0.5, 1).variance(4, 0.25, 1), 3).run();
    }

    @Test
    void harnessInvertedWithScalarStatisticsOnRank3() {
        LayerHarness.of(() -> new Normalization().mean(0.2).variance(2).invert(true), 2, 3).run();
    }

    @Test
    void harnessMiddleAxisOfRank3() {
        LayerHarness.of(() -> new Normalization(1).mean(1, -2).variance(0.5, 4), 2, 3).run();
    }

    @Test
    void adaptComputesTheLiteralMeanAndPopulationVariance() {
        Normalization norm = new Normalization().named("norm_adapt").dtype(DataType.DOUBLE);
        INDArray data = m(new double[][] {{1, 10}, {2, 20}, {3, 60}});
        norm.adapt(data);
        assertArrayEquals(new long[] {2}, norm.builtInputShape());
        List<INDArray> w = norm.getWeights();
        assertEquals(List.of("norm_adapt/mean", "norm_adapt/variance", "norm_adapt/count"),
                norm.weights().stream().map(Variable::name).toList());
        assertArrayEquals(new double[] {2, 30}, Host.toDoubles(w.get(0)), EXACT);
        assertArrayEquals(new double[] {2.0 / 3, 1400.0 / 3}, Host.toDoubles(w.get(1)), EXACT);
        assertEquals(3.0, w.get(2).getDouble(0), 0);
        assertEquals(0, w.get(2).rank(), "count is a scalar, as in Keras");
        assertEquals(List.of(), norm.trainableWeights(), "all three weights are non-trainable");
        assertEquals(5, norm.countParams());
        // (x - mean) / sqrt(variance)
        double s0 = Math.sqrt(2.0 / 3), s1 = Math.sqrt(1400.0 / 3);
        assertArrayEquals(new double[] {-1 / s0, -20 / s1, 0, -10 / s1, 1 / s0, 30 / s1}, apply(norm, data), EXACT);
    }

    @Test
    void kerasDocumentationExamples() {
        INDArray data = m(new double[][] {{0, 7, 4}, {2, 9, 6}, {0, 7, 4}, {2, 9, 6}});
        Normalization norm = new Normalization().dtype(DataType.DOUBLE);
        norm.adapt(data);
        assertArrayEquals(new double[] {-1, -1, -1}, apply(norm, m(new double[][] {{0, 7, 4}})), EXACT);
        Normalization inverse = new Normalization().invert(true).dtype(DataType.DOUBLE);
        inverse.adapt(data);
        assertArrayEquals(new double[] {2, 10, 8}, apply(inverse, m(new double[][] {{1, 2, 3}})), EXACT);
        Normalization given = new Normalization().mean(3).variance(2).dtype(DataType.DOUBLE);
        assertArrayEquals(new double[] {-Math.sqrt(2), -1 / Math.sqrt(2), 0},
                apply(given, m(new double[][] {{1}, {2}, {3}})), EXACT);
    }

    @Test
    void adaptOverEveryAxisButTheFeatureAxis() {
        // (2, 2, 2) with axis -1: feature 0 holds 1, 3, 5, 7 and feature 1 holds 2, 4, 6, 8.
        INDArray data = Nd4j.createFromArray(1.0, 2, 3, 4, 5, 6, 7, 8).reshape(2, 2, 2);
        Normalization last = new Normalization().dtype(DataType.DOUBLE);
        last.adapt(data);
        assertArrayEquals(new double[] {4, 5}, Host.toDoubles(last.getWeights().get(0)), EXACT);
        assertArrayEquals(new double[] {5, 5}, Host.toDoubles(last.getWeights().get(1)), EXACT);
        assertEquals(4.0, last.getWeights().get(2).getDouble(0), 0);
        // axis 1: feature 0 holds 1, 2, 5, 6 and feature 1 holds 3, 4, 7, 8.
        Normalization middle = new Normalization(1).dtype(DataType.DOUBLE);
        middle.adapt(data);
        assertArrayEquals(new double[] {3.5, 5.5}, Host.toDoubles(middle.getWeights().get(0)), EXACT);
        assertArrayEquals(new double[] {4.25, 4.25}, Host.toDoubles(middle.getWeights().get(1)), EXACT);
        double s = Math.sqrt(4.25);
        assertArrayEquals(new double[] {-2.5 / s, -1.5 / s, -2.5 / s, -1.5 / s, 1.5 / s, 2.5 / s, 1.5 / s, 2.5 / s},
                apply(middle, data), EXACT);
    }

    @Test
    void adaptAgainReplacesTheStatistics() {
        Normalization norm = new Normalization().dtype(DataType.DOUBLE);
        norm.adapt(m(new double[][] {{0}, {2}}));
        norm.adapt(m(new double[][] {{10}, {10}, {16}}));
        assertEquals(12.0, norm.getWeights().get(0).getDouble(0), EXACT);
        assertEquals(8.0, norm.getWeights().get(1).getDouble(0), EXACT);
        assertEquals(3.0, norm.getWeights().get(2).getDouble(0), 0);
    }

    @Test
    void adaptedFloatLayerMatchesDouble() {
        INDArray data = MergeChecks.randomBatch(5, 6, new long[] {3});
        Normalization d = new Normalization().dtype(DataType.DOUBLE);
        d.adapt(data);
        Normalization f = new Normalization();
        f.adapt(data.castTo(DataType.FLOAT));
        Tensor y = f.apply(Tensor.constant(data.castTo(DataType.FLOAT)), false);
        assertEquals(DataType.FLOAT, y.dtype());
        assertArrayEquals(apply(d, data), Host.toDoubles(y.value()), 1e-5);
    }

    @Test
    void zeroVarianceDividesByEpsilon() {
        Normalization norm = new Normalization().mean(1).variance(0).dtype(DataType.DOUBLE);
        assertArrayEquals(new double[] {0.5 / 1e-7}, apply(norm, m(new double[][] {{1.5}})), 1e-3);
    }

    @Test
    void adaptedLayerGradientAndConfigRoundTrip() {
        Normalization norm = new Normalization().named("norm_grad").dtype(DataType.DOUBLE);
        norm.adapt(MergeChecks.randomBatch(7, 5, new long[] {4}));
        Variable x = new Variable("x", MergeChecks.randomBatch(8, 3, new long[] {4}), true);
        GradientCheck.checkVariables("adapted Normalization w.r.t. its input", 1e-5, () -> norm.apply(x.read(), false),
                List.of(x));
        Map<String, Object> config = norm.getConfig();
        Layer copy = Registry.create(Registry.Kind.LAYER, "Normalization", new LinkedHashMap<>(config), Layer.class);
        assertEquals(config, copy.getConfig());
    }

    @Test
    void adaptedStatisticsReachAModelAndCanBeReplaced() {
        // In a model the weights are views of the flat parameter vector: adapt() writes into them.
        Normalization norm = new Normalization().inputShape(2);
        Dense sum = new Dense(1).kernelInitializer("ones").useBias(false);
        Sequential model = new Sequential(norm, sum);
        norm.adapt(Nd4j.createFromArray(new float[][] {{0, 10}, {2, 30}}));
        model.parameters();
        INDArray x = Nd4j.createFromArray(new float[][] {{2, 30}});
        // mean (1, 20), variance (1, 100): (2 - 1) / 1 + (30 - 20) / 10
        assertEquals(2.0, model.predict(x).getDouble(0), 1e-6);
        norm.adapt(Nd4j.createFromArray(new float[][] {{2, 30}, {4, 30}}));
        // mean (3, 30), variance (1, 0): (2 - 3) / 1 + 0 / 1e-7
        assertEquals(-1.0, model.predict(x).getDouble(0), 1e-6);
        assertEquals(3.0, model.parameters().values().getDouble(0), 1e-6, "the flat vector holds the new mean");
    }

    @Test
    void unadaptedLayerFailsClearly() {
        Normalization norm = new Normalization().named("norm_unadapted");
        norm.buildFor(new long[] {3});
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> norm.apply(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 3)), false));
        assertEquals("Layer \"norm_unadapted\" (Normalization) has not been adapted: call adapt(data) before using it, or "
                + "give mean and variance", e.getMessage());
    }

    @Test
    void argumentErrors() {
        assertEquals("Layer \"norm_half\" (Normalization): mean and variance must both be set or both be omitted, "
                + "received mean=[1.0] and variance=null", assertThrows(IllegalArgumentException.class,
                        () -> new Normalization().mean(1).named("norm_half").buildFor(new long[] {3})).getMessage());
        assertEquals("Layer \"norm_len\" (Normalization): expected 1 or 3 values of mean and variance for axis -1 of input "
                + "shape (None, 3), received 2 and 2", assertThrows(IllegalArgumentException.class,
                        () -> new Normalization().mean(1, 2).variance(1, 2).named("norm_len").buildFor(new long[] {3}))
                        .getMessage());
        assertEquals("Layer \"norm_var\" (Normalization): variance must be >= 0, received [1.0, -1.0]",
                assertThrows(IllegalArgumentException.class,
                        () -> new Normalization().<Normalization>named("norm_var").variance(1, -1)).getMessage());
        assertEquals("Normalization: axis must not be the batch axis 0, received 0",
                assertThrows(IllegalArgumentException.class, () -> new Normalization(0)).getMessage());
        assertEquals("Layer \"norm_axis\" (Normalization): axis 2 is out of range for inputs of rank 2: expected an axis "
                + "in [1, 1] or [-1, -1], received input shape (None, 3)", assertThrows(IllegalArgumentException.class,
                        () -> new Normalization(2).named("norm_axis").buildFor(new long[] {3})).getMessage());
    }

    @Test
    void adaptErrors() {
        Normalization given = new Normalization().mean(0).variance(1).named("norm_given");
        assertEquals("Layer \"norm_given\" (Normalization) was given mean and variance; adapt() is only available without "
                + "them", assertThrows(IllegalStateException.class,
                        () -> given.adapt(Nd4j.zeros(DataType.FLOAT, 2, 3))).getMessage());
        Normalization norm = new Normalization().named("norm_data");
        assertEquals("Layer \"norm_data\" (Normalization): adapt expects data of shape (samples, features...) with at least "
                + "one sample, received shape (3,)", assertThrows(IllegalArgumentException.class,
                        () -> norm.adapt(Nd4j.zeros(DataType.FLOAT, 3))).getMessage());
        norm.adapt(Nd4j.ones(DataType.FLOAT, 2, 3));
        assertEquals("Input 0 of layer \"norm_data\" is incompatible: expected shape (None, 3) with 3 features along axis "
                + "-1, received (None, 4)", assertThrows(IllegalArgumentException.class,
                        () -> norm.adapt(Nd4j.ones(DataType.FLOAT, 2, 4))).getMessage());
    }

    @Test
    void config() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "normalization_3");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        expected.put("axis", List.of(-1));
        expected.put("invert", false);
        expected.put("mean", null);
        expected.put("variance", null);
        assertEquals(expected, new Normalization().named("normalization_3").getConfig());
        Map<String, Object> given = new Normalization().mean(1, 2).variance(3).invert(true).getConfig();
        assertEquals(List.of(1.0, 2.0), given.get("mean"));
        assertEquals(3.0, given.get("variance"));
        assertEquals(true, given.get("invert"));
    }
}
