package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Host;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.testing.GradientCheck;
import org.sparkeras.testing.LayerHarness;
import org.sparkeras.training.Compile;

class BatchNormalizationTest {
    private static final double EXACT = 1e-12;
    /** A batch with column means (2, 30) and population variances (2/3, 1400/3). */
    private static final double[][] X = {{1, 10}, {2, 20}, {3, 60}};

    /**
     * The harness checks that apply to a layer with non-trainable weights (its weight check expects
     * every weight trainable): output shape, config round trip, gradients at inference, one
     * training step changing all four weights (gamma and beta by SGD, the moving statistics by the
     * update) and a frozen step changing none.
     */
    private static void harness(LayerHarness h, int trainable, int nonTrainable, long params) {
        assertAll(() -> {
            Layer layer = h.built();
            assertEquals(trainable, layer.trainableWeights().size(), "trainable weight arrays");
            assertEquals(nonTrainable, layer.nonTrainableWeights().size(), "non-trainable weight arrays");
            assertEquals(params, layer.countParams(), "number of parameters");
            for (Variable v : layer.weights()) {
                assertEquals(DataType.DOUBLE, v.value().dataType(), v.name());
            }
        }, h::checkOutputShape, h::checkConfigRoundTrip, h::checkGradients, h::checkTrainingStep,
                h::checkFrozenTrainingStep);
    }

    @Test
    void harness() {
        harness(LayerHarness.of(BatchNormalization::new, 3).expectWeights(4, 12), 2, 2, 12);
    }

    @Test
    void harnessWithoutCenterAndScale() {
        harness(LayerHarness.of(() -> new BatchNormalization().center(false).scale(false), 3).expectWeights(2, 6), 0, 2, 6);
    }

    @Test
    void harnessMiddleAxisOfRank3WithOptions() {
        harness(LayerHarness.of(() -> new BatchNormalization().axis(1).momentum(0.9).epsilon(0.01)
                .gammaInitializer("random_normal").betaInitializer("random_uniform").gammaRegularizer("l2"), 2, 3)
                .expectWeights(4, 8), 2, 2, 8);
    }

    private static BatchNormalization built(BatchNormalization bn, long... perSample) {
        bn.dtype(DataType.DOUBLE);
        bn.buildFor(perSample);
        return bn;
    }

    @Test
    void weightsInKerasOrder() {
        BatchNormalization bn = built(new BatchNormalization().named("bn"), 4);
        assertEquals(List.of("bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"),
                bn.weights().stream().map(Variable::name).toList());
        assertEquals(List.of(bn.gamma(), bn.beta()), bn.trainableWeights());
        assertEquals(List.of(bn.movingMean(), bn.movingVariance()), bn.nonTrainableWeights());
        assertArrayEquals(new double[] {1, 1, 1, 1}, Host.toDoubles(bn.gamma().value()), 0);
        assertArrayEquals(new double[] {0, 0, 0, 0}, Host.toDoubles(bn.beta().value()), 0);
        assertArrayEquals(new double[] {0, 0, 0, 0}, Host.toDoubles(bn.movingMean().value()), 0);
        assertArrayEquals(new double[] {1, 1, 1, 1}, Host.toDoubles(bn.movingVariance().value()), 0);
    }

    @Test
    void trainingGradientsFlowThroughTheBatchStatistics() {
        BatchNormalization bn = built(new BatchNormalization(), 3);
        bn.setWeights(List.of(Nd4j.createFromArray(1.5, -0.5, 2.0), Nd4j.createFromArray(0.1, 0.2, -0.3),
                Nd4j.zeros(DataType.DOUBLE, 3), Nd4j.ones(DataType.DOUBLE, 3)));
        Variable x = new Variable("x", MergeChecks.randomBatch(11, 4, new long[] {3}), true);
        GradientCheck.checkVariables("BatchNormalization in training mode", 1e-5, () -> bn.apply(x.read(), true),
                List.of(x, bn.gamma(), bn.beta()));
    }

    @Test
    void trainingGradientsOnTheMiddleAxisOfRank3() {
        BatchNormalization bn = built(new BatchNormalization().axis(1).epsilon(0.01), 2, 3);
        bn.setWeights(List.of(Nd4j.createFromArray(0.7, 1.3), Nd4j.createFromArray(-0.4, 0.25),
                Nd4j.zeros(DataType.DOUBLE, 2), Nd4j.ones(DataType.DOUBLE, 2)));
        Variable x = new Variable("x", MergeChecks.randomBatch(12, 3, new long[] {2, 3}), true);
        GradientCheck.checkVariables("BatchNormalization axis 1 in training mode", 1e-5, () -> bn.apply(x.read(), true),
                List.of(x, bn.gamma(), bn.beta()));
    }

    @Test
    void oneTrainingCallUpdatesTheMovingStatistics() {
        BatchNormalization bn = built(new BatchNormalization(), 2);
        INDArray x = Nd4j.createFromArray(X);
        double[] y = Host.toDoubles(bn.apply(Tensor.constant(x), true).value());
        // moving = moving * 0.99 + batch * 0.01 from (0, 0) and (1, 1)
        assertArrayEquals(new double[] {0.02, 0.3}, Host.toDoubles(bn.movingMean().value()), EXACT);
        assertArrayEquals(new double[] {0.99 + 0.01 * 2 / 3, 0.99 + 0.01 * 1400 / 3},
                Host.toDoubles(bn.movingVariance().value()), EXACT);
        // Training normalizes with the batch statistics: (x - mean) / sqrt(variance + 0.001).
        double s0 = Math.sqrt(2.0 / 3 + 1e-3), s1 = Math.sqrt(1400.0 / 3 + 1e-3);
        assertArrayEquals(new double[] {-1 / s0, -20 / s1, 0, -10 / s1, 1 / s0, 30 / s1}, y, EXACT);
        // Inference uses the moving statistics, here with gamma (2, 0.5) and beta (1, -1).
        bn.gamma().assign(Nd4j.createFromArray(2.0, 0.5));
        bn.beta().assign(Nd4j.createFromArray(1.0, -1.0));
        double m0 = Math.sqrt(0.99 + 0.01 * 2 / 3 + 1e-3), m1 = Math.sqrt(0.99 + 0.01 * 1400 / 3 + 1e-3);
        double[] inference = Host.toDoubles(bn.apply(Tensor.constant(x), false).value());
        assertArrayEquals(new double[] {2 * (1 - 0.02) / m0 + 1, 0.5 * (10 - 0.3) / m1 - 1, 2 * (2 - 0.02) / m0 + 1,
                0.5 * (20 - 0.3) / m1 - 1, 2 * (3 - 0.02) / m0 + 1, 0.5 * (60 - 0.3) / m1 - 1}, inference, EXACT);
        assertArrayEquals(new double[] {0.02, 0.3}, Host.toDoubles(bn.movingMean().value()), EXACT,
                "inference leaves the moving statistics alone");
    }

    @Test
    void secondTrainingCallCompoundsTheMomentum() {
        BatchNormalization bn = built(new BatchNormalization().momentum(0.5), 1);
        bn.apply(Tensor.constant(Nd4j.createFromArray(new double[][] {{1}, {3}})), true);
        bn.apply(Tensor.constant(Nd4j.createFromArray(new double[][] {{4}, {4}})), true);
        // mean: 0 -> 0.5 * 0 + 0.5 * 2 = 1 -> 0.5 * 1 + 0.5 * 4 = 2.5
        // variance: 1 -> 0.5 * 1 + 0.5 * 1 = 1 -> 0.5 * 1 + 0.5 * 0 = 0.5
        assertEquals(2.5, bn.movingMean().value().getDouble(0), EXACT);
        assertEquals(0.5, bn.movingVariance().value().getDouble(0), EXACT);
    }

    @Test
    void floatMatchesDouble() {
        INDArray x = MergeChecks.randomBatch(13, 5, new long[] {3});
        BatchNormalization d = built(new BatchNormalization(), 3);
        BatchNormalization f = new BatchNormalization();
        f.buildFor(new long[] {3});
        Tensor yf = f.apply(Tensor.constant(x.castTo(DataType.FLOAT)), true);
        assertEquals(DataType.FLOAT, yf.dtype());
        assertArrayEquals(Host.toDoubles(d.apply(Tensor.constant(x), true).value()), Host.toDoubles(yf.value()), 1e-5);
        assertArrayEquals(Host.toDoubles(d.movingVariance().value()), Host.toDoubles(f.movingVariance().value()), 1e-6);
    }

    /** Sequential DOUBLE model: BatchNormalization on 2 features, then Dense(1), trained with SGD. */
    private static Sequential model(BatchNormalization bn) {
        Sequential model = new Sequential();
        model.dtype(DataType.DOUBLE);
        model.add(bn.inputShape(2));
        model.add(new Dense(1).named("bn_test_out"));
        model.compile(Compile.optimizer(new SGD(0.1)).loss("mse"));
        return model;
    }

    @Test
    void movingStatisticsStayViewsOfTheModelsParameterVector() {
        BatchNormalization bn = new BatchNormalization();
        Sequential model = model(bn);
        model.trainOnBatch(Nd4j.createFromArray(X), Nd4j.createFromArray(new double[][] {{1}, {0}, {-1}}));
        ParameterStore store = model.parameters();
        long offset = 0;
        for (Variable v : store.variables()) {
            if (v == bn.movingMean()) {
                break;
            }
            offset += v.size();
        }
        double[] flat = Host.toDoubles(store.values());
        assertArrayEquals(new double[] {0.02, 0.3}, new double[] {flat[(int) offset], flat[(int) offset + 1]}, EXACT,
                "the update is written into the flat vector the trainer ships");
        assertArrayEquals(new double[] {0.02, 0.3}, Host.toDoubles(bn.movingMean().value()), EXACT);
    }

    @Test
    void frozenLayerKeepsItsWeightsAndRunsInInferenceMode() {
        BatchNormalization bn = new BatchNormalization();
        Sequential model = model(bn);
        List<INDArray> values = List.of(Nd4j.createFromArray(2.0, 0.5), Nd4j.createFromArray(1.0, -1.0),
                Nd4j.createFromArray(0.5, 10.0), Nd4j.createFromArray(2.0, 100.0));
        bn.setWeights(values);
        bn.setTrainable(false);
        assertEquals(List.of(), bn.trainableWeights());
        assertEquals(4, bn.nonTrainableWeights().size());
        INDArray x = Nd4j.createFromArray(X);
        assertEquals(bn.apply(Tensor.constant(x), false).value(), bn.apply(Tensor.constant(x), true).value(),
                "a frozen BatchNormalization uses the moving statistics even in training");
        Dense out = (Dense) model.layers().get(model.layers().size() - 1);
        INDArray kernelBefore = out.kernel().value().dup();
        model.trainOnBatch(x, Nd4j.createFromArray(new double[][] {{1}, {0}, {-1}}));
        List<INDArray> after = bn.getWeights();
        for (int i = 0; i < values.size(); i++) {
            assertEquals(values.get(i), after.get(i), bn.weights().get(i).name() + " must not change");
        }
        assertNotEquals(kernelBefore, out.kernel().value(), "the layers after it still train");
        bn.setTrainable(true);
        assertEquals(List.of(bn.gamma(), bn.beta()), bn.trainableWeights());
    }

    @Test
    void inputErrors() {
        BatchNormalization bn = built(new BatchNormalization().named("bn_input"), 3);
        assertEquals("Input 0 of layer \"bn_input\" is incompatible: expected shape (None, 3) with 3 features along axis -1, "
                + "received (None, 4)", assertThrows(IllegalArgumentException.class,
                        () -> bn.apply(Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 2, 4)), true)).getMessage());
        BatchNormalization far = new BatchNormalization().axis(3).named("bn_axis");
        assertEquals("Layer \"bn_axis\" (BatchNormalization): axis 3 is out of range for inputs of rank 3: expected an axis "
                + "in [1, 2] or [-2, -1], received input shape (None, 2, 4)", assertThrows(IllegalArgumentException.class,
                        () -> far.buildFor(new long[] {2, 4})).getMessage());
    }

    @Test
    void argumentErrors() {
        assertEquals("BatchNormalization: momentum must be in [0, 1], received 1.5",
                assertThrows(IllegalArgumentException.class, () -> new BatchNormalization().momentum(1.5)).getMessage());
        assertEquals("BatchNormalization: epsilon must be positive, received 0.0",
                assertThrows(IllegalArgumentException.class, () -> new BatchNormalization().epsilon(0)).getMessage());
        assertEquals("BatchNormalization: axis must not be the batch axis 0, received 0",
                assertThrows(IllegalArgumentException.class, () -> new BatchNormalization().axis(0)).getMessage());
    }

    @Test
    void defaultConfig() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "batch_normalization_4");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        expected.put("axis", -1);
        expected.put("momentum", 0.99);
        expected.put("epsilon", 0.001);
        expected.put("center", true);
        expected.put("scale", true);
        expected.put("beta_initializer", Map.of("class_name", "zeros", "config", Map.of()));
        expected.put("gamma_initializer", Map.of("class_name", "ones", "config", Map.of()));
        expected.put("moving_mean_initializer", Map.of("class_name", "zeros", "config", Map.of()));
        expected.put("moving_variance_initializer", Map.of("class_name", "ones", "config", Map.of()));
        expected.put("beta_regularizer", null);
        expected.put("gamma_regularizer", null);
        assertEquals(expected, new BatchNormalization().named("batch_normalization_4").getConfig());
        List<String> keys = new ArrayList<>(new BatchNormalization().getConfig().keySet());
        assertEquals(expected.keySet().stream().toList(), keys);
    }
}
