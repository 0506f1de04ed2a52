package org.sparkeras.saving.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.nd4j.shade.protobuf.CodedOutputStream;

/**
 * The ONNX protobuf messages this exporter writes, encoded field by field with protobuf-java's
 * {@link CodedOutputStream} from the field numbers of {@code onnx/onnx.proto} (no generated
 * classes). The protobuf-java used is the copy ND4J ships relocated as {@code org.nd4j.shade.protobuf}
 * (protobuf-java 3.21), already on the classpath of every Sparkeras program: a direct
 * {@code com.google.protobuf:protobuf-java} dependency would pin one version for Spark as well,
 * which brings 3.19.6 (Spark 3.5) or 4.33.0 (Spark 4.1) to its own encryption code.
 *
 * <p>Each message is a value (a record) that encodes itself to bytes; a parent writes a child as a
 * length-delimited field. Repeated scalar fields ({@code dims}, {@code ints}) are written unpacked,
 * as onnx.proto (proto2, no {@code packed} option) declares them.
 */
final class OnnxProto {
    private OnnxProto() {}

    /** TensorProto.DataType values used here. */
    static final int FLOAT = 1, INT64 = 7;

    /** AttributeProto.AttributeType values used here. */
    static final int ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_INTS = 7;

    /** A message that writes its fields to a stream. */
    interface Message {
        void writeFields(CodedOutputStream out) throws IOException;

        /** The encoded message. */
        default byte[] toByteArray() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                writeFields(out);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("Encoding an ONNX " + getClass().getSimpleName() + " failed", e);
            }
            return bytes.toByteArray();
        }
    }

    private static void message(CodedOutputStream out, int field, Message m) throws IOException {
        out.writeByteArray(field, m.toByteArray());
    }

    private static void string(CodedOutputStream out, int field, String s) throws IOException {
        if (s != null) {
            out.writeString(field, s);
        }
    }

    /** ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8. */
    record Model(long irVersion, List<OperatorSetId> opsets, String producerName, String producerVersion,
            String docString, Graph graph) implements Message {
        @Override
        public void writeFields(CodedOutputStream out) throws IOException {
            out.writeInt64(1, irVersion);
            string(out, 2, producerName);
            string(out, 3, producerVersion);
            string(out, 6, docString);
            message(out, 7, graph);
            for (OperatorSetId o : opsets) {
                message(out, 8, o);
            }
        }
    }

    /** OperatorSetIdProto: domain 1, version 2. */
    record OperatorSetId(String domain, long version) implements Message {
        @Override
        public void writeFields(CodedOutputStream out) throws IOException {
            string(out, 1, domain);
            out.writeInt64(2, version);
        }
    }

    /** GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12. */
    record Graph(String name, List<Node> nodes, List<Tensor> initializers, List<ValueInfo> inputs,
            List<ValueInfo> outputs, String docString) implements Message {
        @Override
        public void writeFields(CodedOutputStream out) throws IOException {
            for (Node n : nodes) {
                message(out, 1, n);
            }
            string(out, 2, name);
            for (Tensor t : initializers) {
                message(out, 5, t);
            }
            string(out, 10, docString);
            for (ValueInfo v : inputs) {
                message(out, 11, v);
            }
            for (ValueInfo v : outputs) {
                message(out, 12, v);
            }
        }
    }

    /** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5 (domain 7 left out: the default ONNX domain). */
    record Node(String opType, String name, List<String> inputs, List<String> outputs, List<Attribute> attributes)
            implements Message {
        @Override
        public void writeFields(CodedOutputStream out) throws IOException {
            for (String i : inputs) {
                out.writeString(1, i);
            }
            for (String o : outputs) {
                out.writeString(2, o);
            }
            string(out, 3, name);
            out.writeString(4, opType);
            for (Attribute a : attributes) {
                message(out, 5, a);
            }
        }
    }

    /**
     * AttributeProto: name 1, f 2, i 3, floats 7, ints 8, type 20. Exactly one value field is written,
     * the one {@code type} names.
     */
    record Attribute(String name, int type, float f, long i, long[] ints) implements Message {
        static Attribute of(String name, float value) {
            return new Attribute(name, ATTR_FLOAT, value, 0, null);
        }

        static Attribute of(String name, long value) {
            return new Attribute(name, ATTR_INT, 0, value, null);
        }

        static Attribute of(String name, long[] values) {
            return new Attribute(name, ATTR_INTS, 0, 0, values.clone());
        }

        @Override
        public void writeFields(CodedOutputStream out) throws IOException {
            out.writeString(1, name);
            switch (type) {
                case ATTR_FLOAT -> out.writeFloat(2, f);
                case ATTR_INT -> out.writeInt64(3, i);
                case ATTR_INTS -> {
                    for (long v : ints) {
                        out.writeInt64(8, v);
                    }
                }
                default -> throw new IllegalStateException("Attribute \"" + name + "\": unsupported type " + type);
            }
            out.writeEnum(20, type);
        }
    }

    /**
     * TensorProto: dims 1, data_type 2, name 8, raw_data 9 (fixed-width little-endian values, as
     * onnx.proto requires for raw_data).
     */
    record Tensor(String name, long[] dims, int dataType, byte[] rawData) implements Message {
        @Override
        public void writeFields(CodedOutputStream out) throws IOException {
            for (long d : dims) {
                out.writeInt64(1, d);
            }
            out.writeInt32(2, dataType);
            out.writeString(8, name);
            out.writeByteArray(9, rawData);
        }
    }

    /**
     * ValueInfoProto (name 1, type 2) of a tensor: TypeProto.tensor_type 1 -> TypeProto.Tensor
     * (elem_type 1, shape 2) -> TensorShapeProto.dim 1 -> Dimension (dim_value 1 or dim_param 2). A
     * dimension is a {@code Long} (fixed) or a {@code String} (symbolic, e.g. "batch").
     */
    record ValueInfo(String name, int elemType, List<Object> dims) implements Message {
        @Override
        public void writeFields(CodedOutputStream out) throws IOException {
            out.writeString(1, name);
            Message shape = o -> {
                for (Object d : dims) {
                    message(o, 1, dim -> {
                        if (d instanceof String param) {
                            dim.writeString(2, param);
                        } else {
                            dim.writeInt64(1, (Long) d);
                        }
                    });
                }
            };
            Message tensorType = o -> {
                o.writeInt32(1, elemType);
                message(o, 2, shape);
            };
            message(out, 2, o -> message(o, 1, tensorType));
        }
    }
}
