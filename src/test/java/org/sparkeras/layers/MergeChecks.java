package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
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
import org.sparkeras.saving.Registry;
import org.sparkeras.testing.GradientCheck;

/**
 * The checks of {@link org.sparkeras.testing.LayerHarness} for layers with several inputs, in DOUBLE
 * on fresh layers from the factory: output shape (computeOutputShape, apply on random batches of 3,
 * outputShape after build, symbolic application), the gradient of every input against finite
 * differences, the config round trip through the {@link Registry}, and the error for a single input.
 */
final class MergeChecks {
    private static final long SEED = 20240611L;

    private final Supplier<Merge> factory;
    private final List<long[]> inputShapes;
    private final long[] expectedOutputShape;

    private MergeChecks(Supplier<Merge> factory, long[] expectedOutputShape, List<long[]> inputShapes) {
        this.factory = factory;
        this.inputShapes = inputShapes;
        this.expectedOutputShape = expectedOutputShape;
    }

    /** Checks for layers from {@code factory} on inputs of these per-sample shapes. */
    static MergeChecks of(Supplier<Merge> factory, long[] expectedOutputShape, long[]... inputShapes) {
        return new MergeChecks(factory, expectedOutputShape.clone(), List.of(inputShapes));
    }

    void run() {
        assertAll(fresh().className() + " merge checks",
                this::checkOutputShape,
                this::checkSymbolicShape,
                this::checkGradients,
                this::checkConfigRoundTrip,
                this::checkSingleInputIsRejected);
    }

    Merge fresh() {
        Merge layer = factory.get();
        layer.dtype(DataType.DOUBLE);
        return layer;
    }

    /** Random DOUBLE batches of 3, one per input, with 0.1 <= |v| <= 1 and no two inputs alike. */
    List<Tensor> randomInputs(long seed) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < inputShapes.size(); i++) {
            out.add(Tensor.constant(randomBatch(seed + 31L * i, 3, inputShapes.get(i))));
        }
        return out;
    }

    void checkOutputShape() {
        Merge layer = fresh();
        assertArrayEquals(expectedOutputShape, layer.computeOutputShape(inputShapes), "computeOutputShape");
        Tensor out = layer.apply(randomInputs(SEED), false);
        assertArrayEquals(batched(3, expectedOutputShape), out.shape(), "shape of apply (inference)");
        assertArrayEquals(expectedOutputShape, layer.outputShape(), "outputShape after build");
        assertArrayEquals(batched(3, expectedOutputShape), layer.apply(randomInputs(SEED + 1), true).shape(),
                "shape of apply (training)");
        assertEquals(List.of(), layer.weights(), "a merge layer has no weights");
    }

    void checkSymbolicShape() {
        Merge layer = factory.get();
        List<KerasTensor> inputs = new ArrayList<>();
        for (long[] s : inputShapes) {
            inputs.add(Input.of(s));
        }
        List<KerasTensor> out = layer.applySymbolic(inputs);
        assertEquals(1, out.size());
        assertArrayEquals(expectedOutputShape, out.get(0).shape(), "shape of the symbolic output");
    }

    void checkGradients() {
        Merge layer = fresh();
        List<Variable> vars = new ArrayList<>();
        for (int i = 0; i < inputShapes.size(); i++) {
            vars.add(new Variable("input_" + i, randomBatch(SEED + 2 + 31L * i, 3, inputShapes.get(i)), true));
        }
        GradientCheck.checkVariables(layer.className() + " gradients w.r.t. every input", 1e-5,
                () -> layer.apply(vars.stream().map(Variable::read).toList(), false), vars);
    }

    void checkConfigRoundTrip() {
        Merge layer = fresh();
        layer.apply(randomInputs(SEED), false);
        Map<String, Object> config = new LinkedHashMap<>(layer.getConfig());
        Layer copy = Registry.create(Registry.Kind.LAYER, layer.className(), config, Layer.class);
        assertEquals(layer.className(), copy.className());
        assertEquals(layer.getConfig(), copy.getConfig(), "config after a round trip through the registry");
    }

    void checkSingleInputIsRejected() {
        Merge layer = fresh().named("merge_under_test");
        Tensor x = randomInputs(SEED).get(0);
        assertEquals("Layer \"merge_under_test\" (" + layer.className() + ") should be called on a list of at least 2 "
                + "inputs, received 1", assertThrows(IllegalArgumentException.class,
                        () -> layer.apply(List.of(x), false)).getMessage());
        assertEquals("Layer \"merge_under_test\" (" + layer.className() + ") expects a list of at least 2 inputs, "
                + "received 1", assertThrows(IllegalArgumentException.class, () -> layer.apply(x, false)).getMessage());
    }

    static INDArray randomBatch(long seed, int batch, long[] perSample) {
        long[] shape = batched(batch, perSample);
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (r.nextBoolean() ? 1 : -1) * (0.1 + 0.9 * r.nextDouble());
        }
        return Nd4j.createFromArray(v).reshape('c', shape);
    }

    static long[] batched(int batch, long[] perSample) {
        long[] s = new long[perSample.length + 1];
        s[0] = batch;
        System.arraycopy(perSample, 0, s, 1, perSample.length);
        return s;
    }

    /** A constant DOUBLE tensor from literal rows. */
    static Tensor rows(double[]... rows) {
        return Tensor.constant(Nd4j.createFromArray(rows));
    }
}
