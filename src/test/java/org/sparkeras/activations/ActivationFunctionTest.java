package org.sparkeras.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Host;
import org.sparkeras.saving.Registry;

class ActivationFunctionTest {
    private static final double[] X = {-3, -1, -0.5, 0.5, 1, 3};
    private static final List<String> NAMES =
            List.of("elu", "gelu", "leaky_relu", "linear", "relu", "selu", "sigmoid", "softmax", "softplus", "tanh");

    /** The activation applied to X as one row of a DOUBLE [1, 6] matrix. */
    private static double[] apply(ActivationFunction f) {
        INDArray x = Nd4j.createFromArray(new double[][] {X});
        return Host.toDoubles(f.apply(Tensor.constant(x)).value());
    }

    @Test
    void everyNameResolves() {
        assertEquals(Set.copyOf(NAMES), Registry.names(Registry.Kind.ACTIVATION));
        for (String name : NAMES) {
            assertEquals(name, ActivationFunction.get(name).name());
        }
        assertSame(ActivationFunction.RELU, ActivationFunction.get("ReLU"), "names are case-insensitive");
        assertSame(ActivationFunction.LINEAR, ActivationFunction.get(null), "null is linear");
        assertEquals("leaky_relu", ActivationFunction.get("LeakyReLU").name());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivationFunction.get("relu6x"));
        assertEquals("Unknown activation: \"relu6x\". Known activations: elu, gelu, leaky_relu, linear, relu, selu, sigmoid, "
                + "softmax, softplus, tanh", e.getMessage());
    }

    @Test
    void defaultsAndConfigs() {
        assertEquals(Map.of("alpha", 1.0), ActivationFunction.get("elu").getConfig());
        assertEquals(Map.of("negative_slope", 0.2), ActivationFunction.get("leaky_relu").getConfig());
        assertEquals(Map.of("approximate", false), ActivationFunction.get("gelu").getConfig());
        assertEquals(Map.of(), ActivationFunction.get("relu").getConfig());
        assertEquals(Map.of("negative_slope", 0.1), ActivationFunction.leakyRelu(0.1).getConfig());
        assertEquals("leaky_relu{negative_slope=0.1}", ActivationFunction.leakyRelu(0.1).toString());
        assertEquals("relu", ActivationFunction.RELU.toString());
        assertEquals(Map.of("alpha", 0.5),
                Registry.create(Registry.Kind.ACTIVATION, "elu", Map.of("alpha", 0.5), ActivationFunction.class).getConfig());
    }

    // Reference values: numpy 2.4 / scipy 1.17 on x = [-3, -1, -0.5, 0.5, 1, 3] in float64.

    @Test
    void reluLinearLeaky() {
        assertArrayEquals(new double[] {0, 0, 0, 0.5, 1, 3}, apply(ActivationFunction.get("relu")), 0);
        assertArrayEquals(X, apply(ActivationFunction.get("linear")), 0);
        assertArrayEquals(new double[] {-0.6000000000000001, -0.2, -0.1, 0.5, 1.0, 3.0},
                apply(ActivationFunction.get("leaky_relu")), 1e-15);
    }

    @Test
    void sigmoidTanhSoftplus() {
        assertArrayEquals(new double[] {0.04742587317756678, 0.2689414213699951, 0.3775406687981454, 0.6224593312018546,
                0.7310585786300049, 0.9525741268224334}, apply(ActivationFunction.get("sigmoid")), 1e-15);
        assertArrayEquals(new double[] {-0.9950547536867305, -0.7615941559557649, -0.46211715726000974, 0.46211715726000974,
                0.7615941559557649, 0.9950547536867305}, apply(ActivationFunction.get("tanh")), 1e-15);
        assertArrayEquals(new double[] {0.04858735157374206, 0.31326168751822286, 0.4740769841801067, 0.9740769841801067,
                1.3132616875182228, 3.048587351573742}, apply(ActivationFunction.get("softplus")), 1e-15);
    }

    @Test
    void softmaxOverTheRow() {
        assertArrayEquals(new double[] {0.001954216821150934, 0.014439817720958174, 0.02380723462157639, 0.06471477325769216,
                0.1066966231984929, 0.7883873343801294}, apply(ActivationFunction.get("softmax")), 1e-15);
    }

    @Test
    void eluAndSelu() {
        assertArrayEquals(new double[] {-0.950212931632136, -0.6321205588285577, -0.3934693402873666, 0.5, 1.0, 3.0},
                apply(ActivationFunction.get("elu")), 1e-15);
        assertArrayEquals(new double[] {-0.475106465816068, -0.31606027941427883, -0.1967346701436833, 0.5, 1.0, 3.0},
                apply(ActivationFunction.elu(0.5)), 1e-15);
        assertArrayEquals(new double[] {-1.6705687287671118, -1.1113307378125625, -0.6917581878028713, 0.5253504936777402,
                1.0507009873554805, 3.1521029620664414}, apply(ActivationFunction.get("selu")), 1e-15);
    }

    @Test
    void geluExactAndApproximate() {
        assertArrayEquals(new double[] {-0.00404969409489031, -0.15865525393145707, -0.15426876936299347, 0.3457312306370065,
                0.8413447460685429, 2.99595030590511}, apply(ActivationFunction.get("gelu")), 1e-14);
        assertArrayEquals(new double[] {-0.0036373920817729943, -0.1588080093917233, -0.15428599017485606,
                0.34571400982514394, 0.8411919906082768, 2.996362607918227}, apply(ActivationFunction.gelu(true)), 1e-14);
    }

    @Test
    void applyInPlaceReusesTheArrayOnlyForRelu() {
        INDArray x = Nd4j.createFromArray(new double[][] {{-1, 2}});
        Tensor t = Tensor.constant(x);
        Tensor r = ActivationFunction.RELU.applyInPlace(t);
        assertSame(x, r.value());
        assertArrayEquals(new double[] {0, 2}, Host.toDoubles(x), 0);
        INDArray y = Nd4j.createFromArray(new double[][] {{-1, 2}});
        ActivationFunction.get("elu").applyInPlace(Tensor.constant(y));
        assertArrayEquals(new double[] {-1, 2}, Host.toDoubles(y), 0, "elu leaves its input alone");
    }
}
