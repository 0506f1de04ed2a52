package org.sparkeras.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;

/**
 * Runs an exported ONNX model with ONNX Runtime (single-threaded, all graph optimizations) on
 * INDArrays, for the tests that compare it with Sparkeras's predict.
 */
public final class OnnxRuntimeSession implements AutoCloseable {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession session;

    public OnnxRuntimeSession(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = ENV.createSession(model, options);
        }
    }

    /** The graph's input names, in order. */
    public List<String> inputNames() throws OrtException {
        return new ArrayList<>(session.getInputInfo().keySet());
    }

    /** The graph's output names, in order. */
    public List<String> outputNames() throws OrtException {
        return new ArrayList<>(session.getOutputInfo().keySet());
    }

    /** The declared shape of an input or output (-1 for a symbolic dimension) and its dimension names. */
    public TensorInfo info(String name) throws OrtException {
        NodeInfo n = session.getInputInfo().get(name);
        if (n == null) {
            n = session.getOutputInfo().get(name);
        }
        if (n == null) {
            fail("No input or output named \"" + name + "\"; inputs " + inputNames() + ", outputs " + outputNames());
        }
        return (TensorInfo) n.getInfo();
    }

    /** Runs the model on float32 copies of the inputs (by ONNX input name); returns every output by name. */
    public Map<String, INDArray> run(Map<String, INDArray> inputs) throws OrtException {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, INDArray> e : inputs.entrySet()) {
                INDArray a = e.getValue();
                feed.put(e.getKey(), OnnxTensor.createTensor(ENV, FloatBuffer.wrap(Host.toFloats(a, null)), a.shape()));
            }
            Map<String, INDArray> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(feed)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer b = t.getFloatBuffer();
                    float[] values = new float[b.remaining()];
                    b.get(values);
                    out.put(e.getKey(), Nd4j.create(values, t.getInfo().getShape(), 'c').castTo(DataType.FLOAT));
                }
            }
            return out;
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
            }
        }
    }

    /** Runs a single-input model; returns its outputs in graph order. */
    public List<INDArray> run(INDArray x) throws OrtException {
        return new ArrayList<>(run(Map.of(inputNames().get(0), x)).values());
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    /**
     * Asserts equal shapes and every element within {@code tolerance} (absolute), naming the worst
     * element, both values and the largest difference on failure.
     */
    public static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = Host.toDoubles(expected), a = Host.toDoubles(actual);
        int worst = -1;
        double max = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(e[i] - a[i]);
            if (!(d <= max)) {
                max = d;
                worst = i;
            }
        }
        if (worst >= 0 && !(max <= tolerance)) {
            fail(String.format(Locale.ROOT, "%s: element %d differs by %.3g (tolerance %.1g): Sparkeras %.8g, ONNX Runtime "
                    + "%.8g", what, worst, max, tolerance, e[worst], a[worst]));
        }
    }

    /** The largest absolute element difference of two arrays of one shape. */
    public static double maxAbsDiff(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        double[] e = Host.toDoubles(expected), a = Host.toDoubles(actual);
        double max = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs(e[i] - a[i]));
        }
        return max;
    }
}
