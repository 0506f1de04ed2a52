package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;
import org.sparkeras.initializers.Constant;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.regularizers.L1;
import org.sparkeras.regularizers.L2;
import org.sparkeras.testing.LayerHarness;
import org.sparkeras.training.Compile;

class DenseTest {

    @Test
    void harness() {
        LayerHarness.of(() -> new Dense(4), 3).expectOutputShape(4).expectWeights(2, 16).run();
    }

    @Test
    void harnessReluWithoutBias() {
        LayerHarness.of(() -> new Dense(4, "relu").useBias(false), 3).expectOutputShape(4).expectWeights(1, 12).run();
    }

    @Test
    void harnessRank3InputWithTanh() {
        // (batch, 2, 3) -> (batch, 2, 5): the kernel applies along the last axis.
        LayerHarness.of(() -> new Dense(5, "tanh"), 2, 3).expectOutputShape(2, 5).expectWeights(2, 20).run();
    }

    @Test
    void harnessSoftmaxWithRegularizers() {
        LayerHarness.of(() -> new Dense(3, "softmax").kernelRegularizer("l2").biasRegularizer(new L1(0.1)), 4)
                .expectOutputShape(3).expectWeights(2, 15).run();
    }

    @Test
    void harnessFirstLayerWithDeclaredInputShape() {
        // The config then carries batch_input_shape, as Keras's does.
        LayerHarness.of(() -> new Dense(2).inputShape(3), 3).expectOutputShape(2).expectWeights(2, 8).run();
    }

    @Test
    void mnistHiddenLayerHas235500Params() {
        Dense d = new Dense(300, "relu");
        assertArrayEquals(new long[] {300}, d.buildFor(new long[] {784}));
        assertEquals(235_500, d.countParams());
        assertArrayEquals(new long[] {784, 300}, d.kernel().shape());
        assertArrayEquals(new long[] {300}, d.bias().shape());
        assertEquals(DataType.FLOAT, d.kernel().value().dataType());
    }

    @Test
    void forwardValues() {
        Dense d = new Dense(2).dtype(DataType.DOUBLE);
        d.buildFor(new long[] {3});
        d.setWeights(List.of(Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, -1}}),
                Nd4j.createFromArray(new double[] {0.5, -0.5})));
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {-1, 0, 2}});
        assertArrayEquals(new double[] {4.5, -1.5, 1.5, -2.5}, Host.toDoubles(d.apply(Tensor.constant(x), false).value()), 1e-15);
        Dense relu = new Dense(2, "relu").dtype(DataType.DOUBLE);
        relu.buildFor(new long[] {3});
        relu.setWeights(d.getWeights());
        assertArrayEquals(new double[] {4.5, 0, 1.5, 0}, Host.toDoubles(relu.apply(Tensor.constant(x), false).value()), 1e-15);
    }

    @Test
    void withoutBias() {
        Dense d = new Dense(2).useBias(false).dtype(DataType.DOUBLE);
        d.buildFor(new long[] {2});
        assertNull(d.bias());
        assertEquals(1, d.weights().size());
        assertEquals(4, d.countParams());
        d.setWeights(List.of(Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}})));
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 1}});
        assertArrayEquals(new double[] {4, 6}, Host.toDoubles(d.apply(Tensor.constant(x), false).value()), 0);
        assertEquals(false, d.getConfig().get("use_bias"));
    }

    @Test
    void regularizersAddToTheLoss() {
        // kernel of ones [3, 2], bias zeros: L2(0.1) adds 0.1 * 6 = 0.6 to the loss.
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 0, -1}, {0.5, 0.5, 0.5}});
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 1}, {1, 0}});
        double plain = lossOf(new Dense(2).kernelInitializer("ones"), x, y);
        Dense regularized = new Dense(2).kernelInitializer("ones").kernelRegularizer(new L2(0.1));
        double withPenalty = lossOf(regularized, x, y);
        // mse of predictions [[0, 0], [1.5, 1.5]] against y: (0 + 1 + 0.25 + 2.25) / 4 = 0.875
        assertEquals(0.875, plain, 1e-12);
        assertEquals(0.875 + 0.6, withPenalty, 1e-12);
        // After the step the penalty follows the updated kernel.
        List<Tensor> penalties = regularized.regularizationLosses();
        assertEquals(1, penalties.size());
        assertEquals(0.1 * regularized.kernel().value().mul(regularized.kernel().value()).sumNumber().doubleValue(),
                penalties.get(0).value().getDouble(0), 1e-12);
    }

    @Test
    void penaltiesOfAFreshLayer() {
        Dense d = new Dense(2).kernelInitializer("ones").kernelRegularizer(new L2(0.1)).biasInitializer(new Constant(-2))
                .biasRegularizer(new L1(0.5));
        d.buildFor(new long[] {3});
        List<Tensor> penalties = d.regularizationLosses();
        assertEquals(2, penalties.size());
        assertEquals(0.6, penalties.get(0).value().getDouble(0), 1e-6);
        assertEquals(2.0, penalties.get(1).value().getDouble(0), 1e-6);
        assertEquals(List.of(), new Dense(2).regularizationLosses());
    }

    /** The loss of one SGD step (computed before the update) for a model with this single Dense layer. */
    private static double lossOf(Dense dense, INDArray x, INDArray y) {
        Sequential model = new Sequential();
        model.dtype(DataType.DOUBLE);
        model.add(dense.inputShape(3));
        model.compile(Compile.optimizer(new SGD(0.1)).loss("mse"));
        return model.trainOnBatch(x, y).get("loss");
    }

    @Test
    void inputWidthMismatchNamesTheLayer() {
        Names.reset();
        Dense d = new Dense(10);
        d.buildFor(new long[] {784});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.apply(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 28)), false));
        assertEquals("Input 0 of layer \"dense\" is incompatible: expected last dimension 784, received 28 "
                + "(input shape (None, 28))", e.getMessage());
    }

    @Test
    void kerasNaming() {
        Names.reset();
        assertEquals("dense", new Dense(1).name());
        assertEquals("dense_1", new Dense(1).name());
        assertEquals("flatten", new Flatten().name());
        assertEquals("dense_2", new Dense(1).name());
        assertEquals("my_dense", new Dense(1).named("my_dense").name());
        Names.reset();
        assertEquals("dense", new Dense(1).name());
        assertEquals("batch_normalization", Names.snakeCase("BatchNormalization"));
        assertEquals("input_layer", Names.snakeCase("InputLayer"));
    }

    @Test
    void weightsAreNamedAfterTheLayer() {
        Dense d = new Dense(2).named("hidden");
        d.buildFor(new long[] {3});
        assertEquals(List.of("hidden/kernel", "hidden/bias"), d.weights().stream().map(v -> v.name()).toList());
    }

    @Test
    void defaultConfig() {
        Dense d = new Dense(300).named("dense_7");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "dense_7");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        expected.put("units", 300);
        expected.put("activation", "linear");
        expected.put("use_bias", true);
        Map<String, Object> seed = new LinkedHashMap<>();
        seed.put("seed", null);
        expected.put("kernel_initializer", Map.of("class_name", "glorot_uniform", "config", seed));
        expected.put("bias_initializer", Map.of("class_name", "zeros", "config", Map.of()));
        expected.put("kernel_regularizer", null);
        expected.put("bias_regularizer", null);
        assertEquals(expected, d.getConfig());
    }

    @Test
    void unitsMustBePositive() {
        assertEquals("Dense: units must be a positive integer, received 0",
                assertThrows(IllegalArgumentException.class, () -> new Dense(0)).getMessage());
    }

    @Test
    void frozenDenseHasOnlyNonTrainableWeights() {
        Dense d = new Dense(2);
        d.buildFor(new long[] {3});
        d.setTrainable(false);
        assertEquals(List.of(), d.trainableWeights());
        assertEquals(2, d.nonTrainableWeights().size());
        assertEquals(false, d.getConfig().get("trainable"));
        d.setTrainable(true);
        assertEquals(2, d.trainableWeights().size());
    }
}
