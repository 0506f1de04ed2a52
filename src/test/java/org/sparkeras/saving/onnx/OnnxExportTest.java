package org.sparkeras.saving.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkeras.testing.OnnxRuntimeSession.assertClose;

import ai.onnxruntime.TensorInfo;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.activations.ActivationFunction;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Activation;
import org.sparkeras.layers.Add;
import org.sparkeras.layers.Average;
import org.sparkeras.layers.BatchNormalization;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Dot;
import org.sparkeras.layers.Dropout;
import org.sparkeras.layers.Flatten;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Maximum;
import org.sparkeras.layers.Minimum;
import org.sparkeras.layers.Multiply;
import org.sparkeras.layers.Names;
import org.sparkeras.layers.Normalization;
import org.sparkeras.layers.Reshape;
import org.sparkeras.layers.Subtract;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.testing.OnnxRuntimeSession;

/**
 * Every exportable layer, alone or in a small model, exported and run by ONNX Runtime: its outputs
 * equal Sparkeras's predict to 1e-5. Plus the graph's names and dynamic batch, shared layers,
 * nested and traced subclassed models, the errors for what cannot be exported, and the file write.
 */
class OnnxExportTest {
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(11);

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(5);
    }

    /** Standard normal values times {@code scale}, FLOAT, of this shape. */
    private INDArray randn(double scale, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return Nd4j.create(v, shape, 'c');
    }

    /**
     * Exports {@code model}, runs it with ONNX Runtime on {@code inputs} (by Keras input name) and
     * compares every output (by Keras output name) with predict; returns the ONNX bytes.
     */
    private static byte[] assertSameAsPredict(Model model, Map<String, INDArray> inputs) throws Exception {
        byte[] onnx = OnnxExport.toBytes(model);
        List<INDArray> x = Model.byName("input", model.inputNames(), inputs);
        List<INDArray> expected = model.predict(x, (int) x.get(0).size(0));
        try (OnnxRuntimeSession ort = new OnnxRuntimeSession(onnx)) {
            assertEquals(model.inputNames(), ort.inputNames());
            Map<String, INDArray> actual = ort.run(inputs);
            assertEquals(model.outputNames().size(), actual.size(), "outputs " + actual.keySet());
            List<String> names = ort.outputNames();
            for (int i = 0; i < expected.size(); i++) {
                assertClose(expected.get(i), actual.get(names.get(i)), TOLERANCE, "output " + names.get(i));
            }
        }
        return onnx;
    }

    private static byte[] assertSameAsPredict(Model model, INDArray x) throws Exception {
        return assertSameAsPredict(model, Map.of(model.inputNames().get(0), x));
    }

    /** The op_type of every node of an exported model, in order. */
    private static List<String> ops(byte[] onnx) throws Exception {
        return OnnxProtoTest.nodeOpTypes(onnx);
    }

    // ---------------------------------------------------------------- layers

    @ParameterizedTest
    @ValueSource(strings = {"linear", "relu", "sigmoid", "tanh", "softmax", "softplus", "selu", "elu", "elu:0.7",
            "leaky_relu", "leaky_relu:0.05", "gelu", "gelu:approximate"})
    void denseWithEachActivation(String spec) throws Exception {
        String[] p = spec.split(":");
        ActivationFunction f = switch (spec) {
            case "elu:0.7" -> ActivationFunction.elu(0.7);
            case "leaky_relu:0.05" -> ActivationFunction.leakyRelu(0.05);
            case "gelu:approximate" -> ActivationFunction.gelu(true);
            default -> ActivationFunction.get(p[0]);
        };
        Sequential model = new Sequential(Input.of(6), new Dense(5, f).biasInitializer("random_normal"));
        byte[] onnx = assertSameAsPredict(model, randn(2.0, 16, 6));
        assertEquals("Gemm", ops(onnx).get(0));
        if (spec.equals("linear")) {
            assertEquals(List.of("Gemm"), ops(onnx));
        }
    }

    @Test
    void denseWithoutBiasAndOnRank3Inputs() throws Exception {
        Sequential noBias = new Sequential(Input.of(6), new Dense(4, "tanh").useBias(false));
        assertSameAsPredict(noBias, randn(1.0, 8, 6));
        Sequential rank3 = new Sequential(Input.of(3, 6), new Dense(4, "relu"), new Dense(2).useBias(false));
        byte[] onnx = assertSameAsPredict(rank3, randn(1.0, 8, 3, 6));
        assertEquals(List.of("MatMul", "Add", "Relu", "MatMul"), ops(onnx));
    }

    @Test
    void flattenReshapeActivationAndDropout() throws Exception {
        Sequential model = new Sequential(Input.of(3, 4), new Flatten(), new Dense(12, "relu"), new Reshape(3, -1),
                new Activation("sigmoid"), new Dropout(0.5), new Activation(ActivationFunction.leakyRelu(0.3)),
                new Flatten(), new Dense(2));
        byte[] onnx = assertSameAsPredict(model, randn(1.0, 7, 3, 4));
        // Dropout is the identity at inference: no node.
        assertEquals(List.of("Flatten", "Gemm", "Relu", "Reshape", "Sigmoid", "LeakyRelu", "Flatten", "Gemm"), ops(onnx));
        Sequential flatOnly = new Sequential(Input.of(5), new Flatten(), new Activation("linear"), new Dense(1));
        assertEquals(List.of("Gemm"), ops(assertSameAsPredict(flatOnly, randn(1.0, 3, 5))));
    }

    @Test
    void concatenateAlongTheLastAndAnInnerAxis() throws Exception {
        Input a = Input.of("a", 3, 2), b = Input.of("b", 3, 5), c = Input.of("c", 4, 2);
        KerasTensor last = new Concatenate().apply(a, b);
        KerasTensor inner = new Concatenate(1).apply(a, c);
        Model model = Model.of(List.of(a, b, c), List.of(last, inner));
        byte[] onnx = assertSameAsPredict(model, Map.of("a", randn(1, 4, 3, 2), "b", randn(1, 4, 3, 5),
                "c", randn(1, 4, 4, 2)));
        assertEquals(List.of("Concat", "Concat"), ops(onnx));
    }

    @Test
    void elementwiseMerges() throws Exception {
        Input a = Input.of("a", 5), b = Input.of("b", 5), c = Input.of("c", 5);
        List<KerasTensor> outs = List.of(new Add().apply(a, b, c), new Subtract().apply(a, b), new Multiply().apply(a, b, c),
                new Average().apply(a, b, c), new Maximum().apply(a, b, c), new Minimum().apply(a, b, c));
        Model model = Model.of(List.of(a, b, c), outs);
        byte[] onnx = assertSameAsPredict(model, Map.of("a", randn(1, 9, 5), "b", randn(1, 9, 5), "c", randn(1, 9, 5)));
        assertEquals(List.of("Add", "Add", "Sub", "Mul", "Mul", "Add", "Add", "Mul", "Max", "Max", "Min", "Min"), ops(onnx));
    }

    @Test
    void dotPlainAndNormalized() throws Exception {
        Input a = Input.of("a", 6), b = Input.of("b", 6);
        Model model = Model.of(List.of(a, b), List.of(new Dot(1).apply(a, b), new Dot(-1, -1).normalize(true).apply(a, b)));
        INDArray xa = randn(1, 8, 6), xb = randn(1, 8, 6);
        xa.getRow(3).assign(0);   // a zero vector: divided by the floor 1e-7, not by its norm
        assertSameAsPredict(model, Map.of("a", xa, "b", xb));
    }

    @Test
    void normalizationAdaptedGivenInvertedAndOnAnInnerAxis() throws Exception {
        INDArray data = randn(3, 50, 4).addi(2);
        Normalization adapted = new Normalization();
        adapted.adapt(data);
        assertSameAsPredict(new Sequential(Input.of(4), adapted, new Dense(2)), randn(3, 6, 4));

        Normalization inverted = new Normalization().invert(true);
        inverted.adapt(data);
        assertSameAsPredict(new Sequential(Input.of(4), inverted), randn(1, 6, 4));

        Normalization given = new Normalization().mean(0.5).variance(4.0);
        assertSameAsPredict(new Sequential(Input.of(4), given), randn(2, 6, 4));

        Normalization inner = new Normalization(1);
        inner.adapt(randn(2, 30, 3, 4).addi(1));
        byte[] onnx = assertSameAsPredict(new Sequential(Input.of(3, 4), inner), randn(2, 6, 3, 4));
        assertEquals(List.of("Sub", "Div"), ops(onnx));
    }

    @Test
    void normalizationNotAdaptedCannotBeExported() {
        Normalization n = new Normalization().named("norm");
        Sequential model = new Sequential(Input.of(4), n);
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.toBytes(model));
        assertEquals("norm", e.layerName());
        assertTrue(e.getMessage().startsWith("Layer \"norm\" (Normalization) cannot be exported to ONNX: "), e.getMessage());
        assertTrue(e.getMessage().contains("has not been adapted"), e.getMessage());
    }

    @Test
    void batchNormalizationInInferenceForm() throws Exception {
        for (boolean center : new boolean[] {true, false}) {
            for (boolean scale : new boolean[] {true, false}) {
                BatchNormalization bn = new BatchNormalization().center(center).scale(scale).epsilon(0.01);
                Sequential model = new Sequential(Input.of(5), new Dense(5), bn, new Activation("relu"));
                List<INDArray> w = new ArrayList<>();
                for (INDArray v : bn.getWeights()) {
                    w.add(v.shape().length == 1 ? randn(1, v.shape()) : v);
                }
                // moving_variance (last) must be positive.
                w.set(w.size() - 1, Nd4j.createFromArray(0.5f, 1.5f, 2f, 0.1f, 3f));
                bn.setWeights(w);
                byte[] onnx = assertSameAsPredict(model, randn(2, 10, 5));
                assertEquals(List.of("Gemm", "Mul", "Add", "Relu"), ops(onnx), "center " + center + ", scale " + scale);
            }
        }
        BatchNormalization inner = new BatchNormalization().axis(1);
        Sequential model = new Sequential(Input.of(3, 4), inner);
        inner.setWeights(List.of(randn(1, 3), randn(1, 3), randn(1, 3), Nd4j.createFromArray(0.5f, 2f, 1f)));
        assertSameAsPredict(model, randn(1, 6, 3, 4));
    }

    @Test
    void float64ModelsAreExportedInFloat32() throws Exception {
        Input in = Input.of("x", DataType.DOUBLE, 4);
        Dense dense = new Dense(3, "tanh").dtype(DataType.DOUBLE);
        Model model = Model.of(in, dense.apply(in));
        INDArray x = randn(1, 5, 4).castTo(DataType.DOUBLE);
        List<INDArray> expected = model.predict(List.of(x), 5);
        try (OnnxRuntimeSession ort = new OnnxRuntimeSession(OnnxExport.toBytes(model))) {
            assertClose(expected.get(0), ort.run(x).get(0), TOLERANCE, "float64 model");
        }
    }

    // ---------------------------------------------------------------- models

    @Test
    void sequentialNamesAndDynamicBatch() throws Exception {
        Sequential model = new Sequential(new Flatten().inputShape(4, 4), new Dense(8, "relu"), new Dense(3, "softmax"));
        byte[] onnx = OnnxExport.toBytes(model);
        try (OnnxRuntimeSession ort = new OnnxRuntimeSession(onnx)) {
            assertEquals(List.of("input"), ort.inputNames());
            assertEquals(model.outputNames(), ort.outputNames());
            TensorInfo in = ort.info("input");
            assertArrayEquals(new long[] {-1, 4, 4}, in.getShape());
            assertEquals("batch", in.getDimensionNames()[0]);
            TensorInfo out = ort.info(model.outputNames().get(0));
            assertArrayEquals(new long[] {-1, 3}, out.getShape());
            assertEquals("batch", out.getDimensionNames()[0]);
            for (int batch : new int[] {1, 5, 64}) {
                INDArray x = randn(1, batch, 4, 4);
                assertClose(model.predict(x, batch), ort.run(x).get(0), TOLERANCE, "batch " + batch);
            }
        }
    }

    @Test
    void functionalWithSharedLayersAndNestedModels() throws Exception {
        Sequential encoder = new Sequential(Input.of(8), new Dense(8, "relu"), new Dense(4)).named("encoder");
        Input headIn = Input.of("head_in", 4);
        Model head = Model.of("head", List.of(headIn), List.of(new Dense(3, "softmax").apply(headIn)));
        Input a = Input.of("a", 6), b = Input.of("b", 6);
        Dense shared = new Dense(8, "tanh").named("shared");
        KerasTensor ea = encoder.apply(shared.apply(a));
        KerasTensor eb = encoder.apply(shared.apply(b));
        KerasTensor out = head.apply(new Subtract().apply(ea, eb));
        Model model = Model.of(List.of(a, b), List.of(out, ea, eb));
        byte[] onnx = assertSameAsPredict(model, Map.of("a", randn(1, 12, 6), "b", randn(1, 12, 6)));

        // One initializer per weight: the shared Dense and the shared nested model are stored once.
        List<String> initializers = OnnxProtoTest.initializerNames(onnx);
        assertEquals(List.of("shared/kernel", "shared/bias"), initializers.subList(0, 2));
        assertEquals(model.weights().size(), initializers.size(), "initializers " + initializers);
        try (OnnxRuntimeSession ort = new OnnxRuntimeSession(onnx)) {
            assertEquals(List.of("a", "b"), ort.inputNames());
            // The two outputs of the encoder share its name; the second gets a suffix.
            assertEquals(List.of("head", "encoder", "encoder_1"), ort.outputNames());
        }
    }

    /** A subclassed model computing through layers only: a shared layer, a nested model, a merge. */
    static final class Siamese extends Model {
        private final Dense shared = track(new Dense(5, "elu"));
        private final Sequential tower = track(new Sequential(new Dense(5, "relu").inputShape(5), new Dense(3)));
        private final Add add = track(new Add());
        private final Dense out = track(new Dense(2, "softmax").named("probabilities"));

        @Override
        public List<Tensor> call(List<Tensor> inputs, boolean training) {
            Tensor ha = tower.apply(shared.apply(inputs.get(0), training), training);
            Tensor hb = tower.apply(shared.apply(inputs.get(1), training), training);
            Tensor sum = add.apply(List.of(ha, hb), training);
            return List.of(out.apply(sum, training), ha);
        }

        @Override
        public int inputCount() {
            return 2;
        }

        @Override
        public List<String> inputNames() {
            return List.of("left", "right");
        }

        @Override
        public List<String> outputNames() {
            return List.of("probabilities", "left_embedding");
        }
    }

    @Test
    void subclassedModelIsTracedThroughItsLayers() throws Exception {
        Siamese model = new Siamese();
        model.build(List.of(new long[] {4}, new long[] {4}));
        byte[] onnx = assertSameAsPredict(model, Map.of("left", randn(1, 9, 4), "right", randn(1, 9, 4)));
        try (OnnxRuntimeSession ort = new OnnxRuntimeSession(onnx)) {
            assertEquals(List.of("probabilities", "left_embedding"), ort.outputNames());
        }
        // shared kernel/bias, the tower's two Dense layers, the output Dense: once each.
        assertEquals(8, OnnxProtoTest.initializerNames(onnx).size());

        // Nested in a functional model, the subclass is traced the same way.
        Input l = Input.of("l", 4), r = Input.of("r", 4);
        List<KerasTensor> outs = model.applyAll(l, r);
        Model outer = Model.of(List.of(l, r), List.of(new Dense(1).apply(outs.get(0)), outs.get(1)));
        assertSameAsPredict(outer, Map.of("l", randn(1, 3, 4), "r", randn(1, 3, 4)));
    }

    /** Adds its two inputs with Ops directly: no layer computes the output. */
    static final class OpsAdder extends Model {
        private final Dense dense = track(new Dense(3));

        @Override
        public List<Tensor> call(List<Tensor> inputs, boolean training) {
            Tensor h = dense.apply(inputs.get(0), training);
            return List.of(Ops.add(h, h));
        }
    }

    @Test
    void subclassedModelComputingOutsideLayersFailsClearly() {
        OpsAdder model = new OpsAdder().named("adder");
        model.build(List.of(new long[] {4}));
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.toBytes(model));
        assertEquals("adder", e.layerName());
        assertEquals("OpsAdder", e.layerClass());
        assertTrue(e.getMessage().startsWith("Model \"adder\" (OpsAdder) cannot be exported to ONNX: its call(...) computes "
                + "output 0 (\"output\") outside any layer call"), e.getMessage());
    }

    /** A custom layer: no ONNX conversion exists for it. */
    static final class Doubler extends Layer {
        @Override
        public Tensor call(Tensor inputs, boolean training) {
            return Ops.scale(inputs, 2);
        }
    }

    /** A Dense subclass may compute something else: refused like any unknown layer. */
    static final class ClippedDense extends Dense {
        ClippedDense(int units) {
            super(units);
        }
    }

    @Test
    void anUnexportableLayerFailsNamingTheLayerItsClassAndWhy() {
        Sequential model = new Sequential(Input.of(4), new Dense(3), new Doubler().named("times_two"), new Dense(1));
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.toBytes(model));
        assertEquals("times_two", e.layerName());
        assertEquals("Doubler", e.layerClass());
        assertTrue(e.getMessage().startsWith("Layer \"times_two\" (Doubler) cannot be exported to ONNX: there is no ONNX "
                + "conversion for its class org.sparkeras.saving.onnx.OnnxExportTest$Doubler; exportable: [Dense, "),
                e.getMessage());

        Sequential sub = new Sequential(Input.of(4), new ClippedDense(2).named("clipped"));
        OnnxExportException s = assertThrows(OnnxExportException.class, () -> OnnxExport.toBytes(sub));
        assertTrue(s.getMessage().startsWith("Layer \"clipped\" (ClippedDense) cannot be exported to ONNX"), s.getMessage());

        // Also through a functional model and the model API, before anything is written.
        Input in = Input.of("x", 4);
        Model functional = Model.of(in, new Doubler().named("doubler_in_graph").apply(new Dense(4).apply(in)));
        Path file = dir.resolve("never.onnx");
        OnnxExportException f = assertThrows(OnnxExportException.class, () -> functional.exportOnnx(file.toString()));
        assertEquals("doubler_in_graph", f.layerName());
        assertFalse(Files.exists(file));
    }

    @Test
    void aModelThatIsNotBuiltFails() {
        Sequential model = new Sequential(new Dense(3));
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.toBytes(model));
        assertTrue(e.getMessage().contains("is not built"), e.getMessage());
    }

    @Test
    void exportOnnxWritesTheFileAndRefusesToReplaceIt() throws Exception {
        Sequential model = new Sequential(Input.of(3), new Dense(2, "sigmoid"));
        Path file = dir.resolve("sub/model.onnx");
        model.exportOnnx(file.toString());
        byte[] written = Files.readAllBytes(file);
        assertArrayEquals(OnnxExport.toBytes(model), written);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> model.exportOnnx(file.toString()));
        assertTrue(e.getMessage().contains("Refusing to overwrite the existing file " + file), e.getMessage());
        Sequential other = new Sequential(Input.of(3), new Dense(2, "tanh"));
        assertArrayEquals(written, Files.readAllBytes(file));
        other.exportOnnx(file.toString(), true);
        assertArrayEquals(OnnxExport.toBytes(other), Files.readAllBytes(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of("model.onnx"), files.map(p -> p.getFileName().toString()).toList());
        }
        try (OnnxRuntimeSession ort = new OnnxRuntimeSession(Files.readAllBytes(file))) {
            INDArray x = randn(1, 4, 3);
            assertClose(other.predict(x), ort.run(x).get(0), TOLERANCE, "written file");
        }
    }
}
