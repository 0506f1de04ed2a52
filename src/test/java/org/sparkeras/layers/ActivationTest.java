package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.activations.ActivationFunction;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;
import org.sparkeras.testing.LayerHarness;

class ActivationTest {

    @ParameterizedTest
    @ValueSource(strings = {"linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "leaky_relu", "softplus"})
    void harness(String name) {
        LayerHarness.of(() -> new Activation(name), 2, 3).run();
    }

    @Test
    void harnessParameterisedActivation() {
        LayerHarness.of(() -> new Activation(ActivationFunction.leakyRelu(0.1)), 4).run();
    }

    @Test
    void appliesTheFunction() {
        Activation a = new Activation("relu");
        Tensor y = a.apply(Tensor.constant(Nd4j.createFromArray(new double[][] {{-1, 0.5}, {2, -3}})), false);
        assertArrayEquals(new double[] {0, 0.5, 2, 0}, Host.toDoubles(y.value()), 0);
        Activation elu = new Activation(ActivationFunction.elu(2.0));
        Tensor e = elu.apply(Tensor.constant(Nd4j.createFromArray(new double[][] {{-1, 1}})), false);
        // 2 * (e^-1 - 1) = -1.2642411176571153 (numpy)
        assertArrayEquals(new double[] {-1.2642411176571153, 1}, Host.toDoubles(e.value()), 1e-15);
    }

    @Test
    void acceptsAnyInputShape() {
        Activation a = new Activation("tanh");
        a.apply(Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 2, 3)), false);
        assertArrayEquals(new long[] {2, 5, 7}, a.apply(Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 2, 5, 7)), false).shape());
    }

    @Test
    void config() {
        Activation a = new Activation("softmax").named("probs");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "probs");
        expected.put("trainable", true);
        expected.put("dtype", "float32");
        expected.put("activation", "softmax");
        assertEquals(expected, a.getConfig());
        assertEquals(0.1, new Activation(ActivationFunction.leakyRelu(0.1)).getConfig().get("negative_slope"));
    }

    @Test
    void unknownActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Activation("relu6x"));
        assertEquals("Unknown activation: \"relu6x\". Known activations: elu, gelu, leaky_relu, linear, relu, selu, sigmoid, "
                + "softmax, softplus, tanh", e.getMessage());
    }
}
