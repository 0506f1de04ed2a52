package org.sparkeras.saving.onnx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sparkeras.models.Model;
import org.sparkeras.saving.FileStore;
import org.sparkeras.saving.ModelArchive;

/**
 * Exports a model's inference graph as an ONNX model (opset {@value #OPSET_VERSION}, IR version
 * {@value #IR_VERSION}), to serve it with ONNX Runtime or any other ONNX engine:
 *
 * <pre>{@code
 * model.exportOnnx("model.onnx");                 // or OnnxExport.write(model, "hdfs:///m.onnx", true)
 * byte[] onnx = OnnxExport.toBytes(model);
 * }</pre>
 *
 * <p>The graph: one input per model input, named as the model names it ({@code inputNames()}), and
 * one output per model output ({@code outputNames()}; a repeated name gets a suffix {@code _1},
 * ...), all float32 with a dynamic first dimension {@code dim_param "batch"}. Weights are float32
 * initializers (little-endian {@code raw_data}) named by their variable ({@code dense/kernel}); a
 * shared layer's weights are stored once. A model in float64 is exported in float32.
 *
 * <p>Layers, at inference:
 * <ul>
 *   <li>Dense: {@code Gemm} (rank-2 input) or {@code MatMul} + {@code Add}, then its activation:
 *       linear (none), relu, sigmoid, tanh, softplus, softmax (axis -1), selu, elu, leaky_relu as the
 *       ONNX ops of the same names, gelu from {@code Erf} (or {@code Tanh} when approximate) and
 *       arithmetic; the Activation layer likewise;</li>
 *   <li>Flatten: {@code Flatten} (axis 1; nothing for rank-2 input); Reshape: {@code Reshape} to
 *       (batch, target...); Dropout and InputLayer: nothing (identity);</li>
 *   <li>Concatenate: {@code Concat}; Add, Subtract, Multiply, Maximum, Minimum: left folds of
 *       {@code Add}, {@code Sub}, {@code Mul}, {@code Max}, {@code Min}; Average: the {@code Add} fold
 *       times 1/k; Dot: {@code Mul} + {@code ReduceSum} (with normalize, each input first divided by
 *       {@code Max(ReduceL2, 1e-7)});</li>
 *   <li>Normalization: {@code Sub} and {@code Div} by the per-feature mean and
 *       max(sqrt(variance), 1e-7) ({@code Mul}, {@code Add} with invert); BatchNormalization: its
 *       inference form {@code x * factor + offset} ({@code Mul}, {@code Add}) with the per-feature
 *       factor and offset computed from the moving statistics as the layer computes them;</li>
 *   <li>models: Sequential and Functional from their structure (several inputs and outputs,
 *       shared layers, nested models inlined); any other subclass of Model by tracing its
 *       {@code call} on a zero batch (see {@link org.sparkeras.layers.CallTrace}): every tensor must
 *       come from layers applied with {@code apply}, otherwise the export fails naming the tensor.</li>
 * </ul>
 * Any other layer (a custom layer, a subclass of a built-in one) fails with an
 * {@link OnnxExportException} naming the layer, its class and why. Everything is checked and
 * encoded before a byte is written; the file is written atomically through {@link FileStore}
 * ({@code file:}, {@code hdfs:}, {@code s3a:} paths).
 */
public final class OnnxExport {
    /** The ONNX IR version written: 8 (ONNX 1.12/1.13), which opset 17 requires and ONNX Runtime 1.12+ reads. */
    public static final long IR_VERSION = 8;

    /** The version of the default ONNX operator set the graph uses. */
    public static final long OPSET_VERSION = 17;

    /** The symbolic name of the batch dimension of every input and output. */
    public static final String BATCH_DIMENSION = "batch";

    /** The producer name recorded in the model. */
    public static final String PRODUCER = "sparkeras";

    private OnnxExport() {}

    /** The ONNX model (a serialized ModelProto) of {@code model}, which must be built. */
    public static byte[] toBytes(Model model) {
        ModelConverter converter = new ModelConverter();
        GraphBuilder g = converter.graph();
        List<String> inputNames = model.inputNames();
        List<long[]> inputShapes = model.inputShapes();
        List<String> outputNames = uniqueNames(model.outputNames());
        List<ModelConverter.Value> inputs = new ArrayList<>();
        List<OnnxProto.ValueInfo> inputInfo = new ArrayList<>();
        for (int i = 0; i < inputNames.size(); i++) {
            String name = inputNames.get(i);
            g.reserve(name);
            long[] shape = inputShapes.get(i);
            if (shape == null) {
                throw new OnnxExportException(model.name(), model.className(), "Model \"" + model.name() + "\" ("
                        + model.className() + ") is not built, so the shape of its input \"" + name + "\" is unknown: "
                        + "call it on data (fit, predict) or build() it before exporting");
            }
            inputs.add(new ModelConverter.Value(name, shape));
            inputInfo.add(valueInfo(name, shape));
        }
        for (String name : outputNames) {
            if (!inputNames.contains(name)) {
                g.reserve(name);
            }
        }
        List<ModelConverter.Value> outputs = converter.model(model, inputs, "");
        List<OnnxProto.ValueInfo> outputInfo = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            ModelConverter.Value v = outputs.get(i);
            String name = outputNames.get(i);
            if (inputNames.contains(name) && !v.name().equals(name)) {
                throw new OnnxExportException(model.name(), model.className(), "Model \"" + model.name() + "\": output "
                        + i + " is named \"" + name + "\" like an input it is not; ONNX needs distinct names. Rename the "
                        + "output layer or the input");
            }
            if (!v.name().equals(name)) {
                String current = g.finalName(v.name());
                if (g.isProduced(v.name()) && current.equals(v.name())) {
                    g.rename(v.name(), name);
                } else {
                    g.opInto("Identity", name, List.of(current));
                }
            }
            outputInfo.add(valueInfo(name, v.shape()));
        }
        OnnxProto.Graph graph = g.build(model.name(), inputInfo, outputInfo,
                "Inference graph of the Sparkeras model \"" + model.name() + "\" (" + model.className() + ")");
        OnnxProto.Model proto = new OnnxProto.Model(IR_VERSION, List.of(new OnnxProto.OperatorSetId("", OPSET_VERSION)),
                PRODUCER, ModelArchive.libraryVersion(), "Exported by Sparkeras from model \"" + model.name() + "\"",
                graph);
        return proto.toByteArray();
    }

    /**
     * Exports {@code model} to {@code path} atomically (temporary sibling, then rename; a commit
     * marker on object stores); an existing file is replaced only when {@code overwrite}.
     */
    public static void write(Model model, String path, boolean overwrite) throws IOException {
        byte[] bytes = toBytes(model);
        FileStore.write(path, bytes, overwrite);
    }

    private static OnnxProto.ValueInfo valueInfo(String name, long[] perSample) {
        List<Object> dims = new ArrayList<>();
        dims.add(BATCH_DIMENSION);
        for (long d : perSample) {
            dims.add(d);
        }
        return new OnnxProto.ValueInfo(name, OnnxProto.FLOAT, dims);
    }

    /** The names in order, a repeated one suffixed _1, _2, ... (ONNX outputs need distinct names). */
    private static List<String> uniqueNames(List<String> names) {
        Set<String> used = new HashSet<>(names);
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String name = n;
            if (!seen.add(name)) {
                for (int i = 1; used.contains(name); i++) {
                    name = n + "_" + i;
                }
                used.add(name);
            }
            out.add(name);
        }
        return out;
    }
}
