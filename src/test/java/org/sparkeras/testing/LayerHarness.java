package org.sparkeras.testing;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Flatten;
import org.sparkeras.layers.InputLayer;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Shapes;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.saving.Registry;
import org.sparkeras.training.Compile;

/**
 * The checks every layer goes through, in DOUBLE precision, each on a fresh layer from the factory:
 *
 * <ol>
 *   <li>output shape: {@code computeOutputShape} equals the expected shape and the shape of
 *       {@code apply} on a random batch of 3, in inference and in training mode;
 *   <li>weights: the number of weight arrays and of parameters, all DOUBLE and named
 *       {@code <layer>/...};
 *   <li>config round trip: {@code getConfig} through {@link Registry} gives a layer with the same config;
 *   <li>gradients: the gradient of the output with respect to the input and every trainable weight
 *       matches finite differences ({@link GradientCheck});
 *   <li>one training step: in {@code Dense -> layer -> Flatten -> Dense} compiled with SGD and mse,
 *       {@code trainOnBatch} changes the layer's weights and the Dense before it (so the gradient
 *       flows through the layer), and, with the layer frozen, leaves its weights unchanged.
 * </ol>
 *
 * <pre>{@code
 * LayerHarness.of(() -> new Dense(4), 3).expectOutputShape(4).expectWeights(2, 16).run();
 * }</pre>
 */
public final class LayerHarness {
    private static final long SEED = 20240601L;

    private final Supplier<Layer> factory;
    private final long[] inputShape;
    private long[] expectedOutputShape;
    private int expectedWeights;
    private long expectedParams;

    private LayerHarness(Supplier<Layer> factory, long[] inputShape) {
        this.factory = factory;
        this.inputShape = inputShape.clone();
        this.expectedOutputShape = inputShape.clone();
    }

    /** A harness for layers from {@code factory} fed samples of {@code inputShape} (batch excluded). */
    public static LayerHarness of(Supplier<Layer> factory, long... inputShape) {
        return new LayerHarness(factory, inputShape);
    }

    /** The expected per-sample output shape (default: the input shape). */
    public LayerHarness expectOutputShape(long... shape) {
        this.expectedOutputShape = shape.clone();
        return this;
    }

    /** The expected number of weight arrays and of parameters (default: none). */
    public LayerHarness expectWeights(int count, long params) {
        this.expectedWeights = count;
        this.expectedParams = params;
        return this;
    }

    /** Runs every check and reports all failures together. */
    public void run() {
        assertAll(factory.get().className() + " harness",
                this::checkOutputShape,
                this::checkWeights,
                this::checkConfigRoundTrip,
                this::checkGradients,
                this::checkTrainingStep,
                this::checkFrozenTrainingStep);
    }

    /** A new DOUBLE layer from the factory, not built. */
    public Layer fresh() {
        Layer layer = factory.get();
        layer.dtype(DataType.DOUBLE);
        return layer;
    }

    /** A new DOUBLE layer built by applying it to a random batch. */
    public Layer built() {
        Layer layer = fresh();
        layer.apply(Tensor.constant(randomBatch(3, SEED)), false);
        return layer;
    }

    public void checkOutputShape() {
        Layer layer = fresh();
        assertArrayEquals(expectedOutputShape, layer.computeOutputShape(inputShape.clone()),
                "computeOutputShape of " + Shapes.withBatch(inputShape));
        Tensor out = layer.apply(Tensor.constant(randomBatch(3, SEED)), false);
        assertArrayEquals(batched(3, expectedOutputShape), out.shape(), "shape of apply (inference)");
        assertArrayEquals(expectedOutputShape, layer.outputShape(), "outputShape after build");
        assertEquals(DataType.DOUBLE, out.dtype());
        Tensor trainingOut = layer.apply(Tensor.constant(randomBatch(3, SEED + 1)), true);
        assertArrayEquals(batched(3, expectedOutputShape), trainingOut.shape(), "shape of apply (training)");
    }

    public void checkWeights() {
        Layer layer = built();
        assertEquals(expectedWeights, layer.weights().size(), "number of weight arrays");
        assertEquals(expectedParams, layer.countParams(), "number of parameters");
        assertEquals(expectedWeights, layer.trainableWeights().size(), "trainable weight arrays");
        for (Variable v : layer.weights()) {
            assertEquals(DataType.DOUBLE, v.value().dataType(), v.name());
            assertTrue(v.name().startsWith(layer.name() + "/"), v.name() + " should start with " + layer.name() + "/");
        }
    }

    public void checkConfigRoundTrip() {
        Layer layer = built();
        Map<String, Object> config = new LinkedHashMap<>(layer.getConfig());
        config.remove("class_name");
        Layer copy = Registry.create(Registry.Kind.LAYER, layer.className(), config, Layer.class);
        assertEquals(layer.className(), copy.className());
        assertEquals(layer.getConfig(), copy.getConfig(), "config after a round trip through the registry");
    }

    public void checkGradients() {
        Layer layer = built();
        Variable input = new Variable("input", randomBatch(3, SEED + 2), true);
        List<Variable> checked = new ArrayList<>();
        checked.add(input);
        checked.addAll(layer.trainableWeights());
        // A step of 1e-5: layers are smooth away from 0 (the inputs avoid it), and at 1e-6 rounding
        // alone gives 1e-6 relative error on the small gradients of a softmax.
        GradientCheck.checkVariables(layer.className() + " gradients w.r.t. input and weights", 1e-5,
                () -> layer.apply(input.read(), false), checked);
    }

    public void checkTrainingStep() {
        trainOneStep(false);
    }

    /** With the layer frozen, one step leaves its weights unchanged (trivial for weightless layers). */
    public void checkFrozenTrainingStep() {
        trainOneStep(true);
    }

    private void trainOneStep(boolean frozen) {
        Layer layer = fresh();
        Sequential model = new Sequential();
        model.dtype(DataType.DOUBLE);
        Dense pre = null;
        if (layer instanceof InputLayer) {
            model.add(layer);
            model.add(pre = new Dense((int) inputShape[inputShape.length - 1]).named("harness_pre"));
        } else {
            model.add(pre = new Dense((int) inputShape[inputShape.length - 1]).named("harness_pre").inputShape(inputShape));
            model.add(layer);
        }
        model.add(new Flatten().named("harness_flatten"));
        model.add(new Dense(2).named("harness_out"));
        if (frozen) {
            layer.setTrainable(false);
            assertEquals(List.of(), layer.trainableWeights(), "a frozen layer has no trainable weights");
            assertEquals(expectedWeights, layer.nonTrainableWeights().size());
        }
        model.compile(Compile.optimizer(new SGD(0.1)).loss("mse"));
        List<INDArray> before = layer.getWeights();
        INDArray preBefore = pre.kernel().value().dup();
        INDArray x = randomBatch(3, SEED + 3);
        INDArray y = Nd4j.createFromArray(new double[][] {{0.5, -0.5}, {1.0, 0.0}, {-1.0, 2.0}});
        Map<String, Double> logs = model.trainOnBatch(x, y);
        assertTrue(Double.isFinite(logs.get("loss")), "finite loss, received " + logs);
        assertNotEquals(preBefore, pre.kernel().value(), "the gradient flows back through the layer");
        List<INDArray> after = layer.getWeights();
        for (int i = 0; i < before.size(); i++) {
            String name = layer.weights().get(i).name();
            if (frozen) {
                assertEquals(before.get(i), after.get(i), name + " is frozen and must not change");
            } else {
                assertNotEquals(before.get(i), after.get(i), name + " is trainable and must change");
            }
        }
    }

    /** A DOUBLE batch of uniform values with 0.1 <= |v| <= 1, away from the kinks of relu and abs. */
    public INDArray randomBatch(int batch, long seed) {
        long[] shape = batched(batch, inputShape);
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (r.nextBoolean() ? 1 : -1) * (0.1 + 0.9 * r.nextDouble());
        }
        return Nd4j.createFromArray(v).reshape('c', shape);
    }

    private static long[] batched(int batch, long[] perSample) {
        long[] s = new long[perSample.length + 1];
        s[0] = batch;
        System.arraycopy(perSample, 0, s, 1, perSample.length);
        return s;
    }

    @Override
    public String toString() {
        return "LayerHarness(" + Arrays.toString(inputShape) + ")";
    }
}
