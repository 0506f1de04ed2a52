package org.sparkeras.saving.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.UnknownFieldSet;
import org.sparkeras.backend.Host;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.models.Sequential;

/**
 * The ONNX encoding checked without ONNX Runtime: the bytes are decoded as plain protobuf
 * (protobuf-java's UnknownFieldSet) and every field is checked against the field numbers and
 * types of onnx.proto.
 */
class OnnxProtoTest {

    private static UnknownFieldSet parse(byte[] bytes) throws Exception {
        return UnknownFieldSet.parseFrom(bytes);
    }

    private static UnknownFieldSet parse(ByteString bytes) throws Exception {
        return UnknownFieldSet.parseFrom(bytes);
    }

    private static Set<Integer> fields(UnknownFieldSet m) {
        return new TreeSet<>(m.asMap().keySet());
    }

    private static String string(UnknownFieldSet m, int field) {
        List<ByteString> l = m.getField(field).getLengthDelimitedList();
        assertEquals(1, l.size(), "field " + field + " occurrences");
        return l.get(0).toStringUtf8();
    }

    private static List<String> strings(UnknownFieldSet m, int field) {
        return m.getField(field).getLengthDelimitedList().stream().map(ByteString::toStringUtf8).toList();
    }

    private static List<UnknownFieldSet> messages(UnknownFieldSet m, int field) throws Exception {
        List<UnknownFieldSet> out = new ArrayList<>();
        for (ByteString b : m.getField(field).getLengthDelimitedList()) {
            out.add(parse(b));
        }
        return out;
    }

    private static UnknownFieldSet message(UnknownFieldSet m, int field) throws Exception {
        List<UnknownFieldSet> l = messages(m, field);
        assertEquals(1, l.size(), "field " + field + " occurrences");
        return l.get(0);
    }

    private static long varint(UnknownFieldSet m, int field) {
        List<Long> l = m.getField(field).getVarintList();
        assertEquals(1, l.size(), "field " + field + " occurrences as varint");
        return l.get(0);
    }

    /** The op_type of every node of an ONNX model, in order. */
    static List<String> nodeOpTypes(byte[] onnx) throws Exception {
        List<String> ops = new ArrayList<>();
        for (UnknownFieldSet node : messages(message(parse(onnx), 7), 1)) {
            ops.add(string(node, 4));
        }
        return ops;
    }

    /** The names of the graph's initializers, in order. */
    static List<String> initializerNames(byte[] onnx) throws Exception {
        List<String> names = new ArrayList<>();
        for (UnknownFieldSet t : messages(message(parse(onnx), 7), 5)) {
            names.add(string(t, 8));
        }
        return names;
    }

    @Test
    void everyMessageUsesTheFieldNumbersAndWireTypesOfOnnxProto() throws Exception {
        byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array();
        OnnxProto.Node node = new OnnxProto.Node("Gemm", "dense", List.of("x", "w"), List.of("y"),
                List.of(OnnxProto.Attribute.of("alpha", 0.25f), OnnxProto.Attribute.of("transB", 1L),
                        OnnxProto.Attribute.of("axes", new long[] {1, -1})));
        OnnxProto.Tensor tensor = new OnnxProto.Tensor("w", new long[] {1, 2}, OnnxProto.FLOAT, raw);
        OnnxProto.ValueInfo input = new OnnxProto.ValueInfo("x", OnnxProto.FLOAT, List.of("batch", 3L));
        OnnxProto.ValueInfo output = new OnnxProto.ValueInfo("y", OnnxProto.FLOAT, List.of("batch", 2L));
        OnnxProto.Graph graph = new OnnxProto.Graph("g", List.of(node), List.of(tensor), List.of(input), List.of(output),
                "doc");
        byte[] bytes = new OnnxProto.Model(8, List.of(new OnnxProto.OperatorSetId("", 17)), "sparkeras", "0.1.0",
                "model doc", graph).toByteArray();

        // ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8.
        UnknownFieldSet model = parse(bytes);
        assertEquals(Set.of(1, 2, 3, 6, 7, 8), fields(model));
        assertEquals(8, varint(model, 1));
        assertEquals("sparkeras", string(model, 2));
        assertEquals("0.1.0", string(model, 3));
        assertEquals("model doc", string(model, 6));
        // OperatorSetIdProto: domain 1 (the default domain ""), version 2.
        UnknownFieldSet opset = message(model, 8);
        assertEquals("", string(opset, 1));
        assertEquals(17, varint(opset, 2));

        // GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12.
        UnknownFieldSet g = message(model, 7);
        assertEquals(Set.of(1, 2, 5, 10, 11, 12), fields(g));
        assertEquals("g", string(g, 2));
        assertEquals("doc", string(g, 10));

        // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.
        UnknownFieldSet n = message(g, 1);
        assertEquals(Set.of(1, 2, 3, 4, 5), fields(n));
        assertEquals(List.of("x", "w"), strings(n, 1));
        assertEquals(List.of("y"), strings(n, 2));
        assertEquals("dense", string(n, 3));
        assertEquals("Gemm", string(n, 4));
        // AttributeProto: name 1, f 2 (32-bit), i 3 (varint), ints 8 (varints, unpacked), type 20 (FLOAT 1, INT 2, INTS 7).
        List<UnknownFieldSet> attrs = messages(n, 5);
        assertEquals(3, attrs.size());
        assertEquals(Set.of(1, 2, 20), fields(attrs.get(0)));
        assertEquals("alpha", string(attrs.get(0), 1));
        assertEquals(List.of(Float.floatToIntBits(0.25f)), attrs.get(0).getField(2).getFixed32List());
        assertEquals(1, varint(attrs.get(0), 20));
        assertEquals(Set.of(1, 3, 20), fields(attrs.get(1)));
        assertEquals(1, varint(attrs.get(1), 3));
        assertEquals(2, varint(attrs.get(1), 20));
        assertEquals(Set.of(1, 8, 20), fields(attrs.get(2)));
        assertEquals(List.of(1L, -1L), attrs.get(2).getField(8).getVarintList());
        assertEquals(7, varint(attrs.get(2), 20));

        // TensorProto: dims 1 (varints), data_type 2, name 8, raw_data 9 (little-endian float32).
        UnknownFieldSet t = message(g, 5);
        assertEquals(Set.of(1, 2, 8, 9), fields(t));
        assertEquals(List.of(1L, 2L), t.getField(1).getVarintList());
        assertEquals(1, varint(t, 2));
        assertEquals("w", string(t, 8));
        assertArrayEquals(new byte[] {0, 0, (byte) 0xC0, 0x3F, 0, 0, 0, (byte) 0xC0}, message(g, 5).getField(9)
                .getLengthDelimitedList().get(0).toByteArray());

        // ValueInfoProto: name 1, type 2 -> TypeProto.tensor_type 1 -> elem_type 1, shape 2 -> dim 1 ->
        // dim_param 2 (symbolic) or dim_value 1.
        UnknownFieldSet in = message(g, 11);
        assertEquals(Set.of(1, 2), fields(in));
        assertEquals("x", string(in, 1));
        UnknownFieldSet tensorType = message(message(in, 2), 1);
        assertEquals(1, varint(tensorType, 1));
        List<UnknownFieldSet> dims = messages(message(tensorType, 2), 1);
        assertEquals(2, dims.size());
        assertEquals(Set.of(2), fields(dims.get(0)));
        assertEquals("batch", string(dims.get(0), 2));
        assertEquals(Set.of(1), fields(dims.get(1)));
        assertEquals(3, varint(dims.get(1), 1));
        assertEquals("y", string(message(g, 12), 1));
    }

    @Test
    void anExportedModelHoldsItsVersionsNamesAndWeightsAsLittleEndianFloat32() throws Exception {
        Dense dense = new Dense(2, "relu").named("hidden");
        Sequential model = new Sequential(Input.of(3), dense);
        byte[] onnx = OnnxExport.toBytes(model);
        UnknownFieldSet m = parse(onnx);
        assertEquals(OnnxExport.IR_VERSION, varint(m, 1));
        assertEquals(OnnxExport.OPSET_VERSION, varint(message(m, 8), 2));
        assertEquals("sparkeras", string(m, 2));

        UnknownFieldSet g = message(m, 7);
        assertEquals(model.name(), string(g, 2));
        assertEquals(List.of("Gemm", "Relu"), nodeOpTypes(onnx));
        assertEquals(List.of("hidden/kernel", "hidden/bias"), initializerNames(onnx));
        UnknownFieldSet kernel = messages(g, 5).get(0);
        assertEquals(List.of(3L, 2L), kernel.getField(1).getVarintList());
        assertEquals(OnnxProto.FLOAT, varint(kernel, 2));
        ByteBuffer raw = ByteBuffer.wrap(kernel.getField(9).getLengthDelimitedList().get(0).toByteArray())
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = Host.toFloats(dense.kernel().value(), null);
        float[] actual = new float[raw.remaining() / 4];
        raw.asFloatBuffer().get(actual);
        assertArrayEquals(expected, actual);

        // The Gemm reads the input, the kernel and the bias; the last node writes the output by its Keras name.
        List<UnknownFieldSet> nodes = messages(g, 1);
        assertEquals(List.of("input", "hidden/kernel", "hidden/bias"), strings(nodes.get(0), 1));
        assertEquals(List.of("hidden"), strings(nodes.get(1), 2));
        assertEquals("input", string(message(g, 11), 1));
        assertEquals("hidden", string(message(g, 12), 1));
        List<UnknownFieldSet> outDims = messages(message(message(message(message(g, 12), 2), 1), 2), 1);
        assertEquals("batch", string(outDims.get(0), 2));
        assertEquals(2, varint(outDims.get(1), 1));
    }
}
