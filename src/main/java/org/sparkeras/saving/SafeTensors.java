package org.sparkeras.saving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Host;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to its dtype, shape and byte range, optional string metadata under
 * {@code __metadata__}, then the raw little-endian data. Used for model weights and optimizer state.
 *
 * <p>Reading is defensive (RELIABILITY.md case 20): the header length is bounded, duplicate keys are
 * refused, only F32 and F64 are accepted, shapes are checked for overflow and must match their byte
 * ranges, ranges must lie inside the data, must not overlap and must cover it without holes. Every
 * check runs before any tensor is allocated, and errors name the tensor and the reason.
 */
public final class SafeTensors {
    /** The largest header accepted by default (bytes). */
    public static final long DEFAULT_MAX_HEADER = 16L * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SafeTensors() {}

    /** The decoded content: tensors by name in file order, and the metadata. */
    public record Content(Map<String, INDArray> tensors, Map<String, String> metadata) {}

    /** Encodes tensors (FLOAT or DOUBLE, any shape) and metadata, tensors sorted by name. */
    public static byte[] write(Map<String, INDArray> tensors, Map<String, String> metadata) {
        TreeMap<String, INDArray> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        List<byte[]> blobs = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : sorted.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("Invalid tensor name \"" + e.getKey() + "\"");
            }
            INDArray a = e.getValue();
            byte[] data = bytes(a);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", a.dataType() == DataType.DOUBLE ? "F64" : "F32");
            var shape = t.putArray("shape");
            for (long d : a.shape()) {
                shape.add(d);
            }
            var offsets = t.putArray("data_offsets");
            offsets.add(offset);
            offsets.add(offset + data.length);
            offset += data.length;
            blobs.add(data);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (byte[] b : blobs) {
            out.put(b);
        }
        return out.array();
    }

    private static byte[] bytes(INDArray a) {
        int n = Math.toIntExact(a.length());
        if (a.dataType() == DataType.DOUBLE) {
            double[] d = Host.toDoubles(a);
            ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(d, 0, n);
            return b.array();
        }
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("safetensors: only FLOAT and DOUBLE tensors are written, received "
                    + a.dataType());
        }
        float[] f = Host.toFloats(a, null);
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f, 0, n);
        return b.array();
    }

    /** Decodes a whole safetensors file with the default header limit; see the class notes. */
    public static Content read(byte[] file, String what) {
        return read(file, what, DEFAULT_MAX_HEADER);
    }

    /** Decodes a whole safetensors file; {@code what} names it in error messages. */
    public static Content read(byte[] file, String what, long maxHeader) {
        if (file.length < 8) {
            throw bad(what, "file is " + file.length + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong();
        if (headerLength < 2 || headerLength > maxHeader || headerLength > file.length - 8) {
            throw bad(what, "header length " + Long.toUnsignedString(headerLength) + " is out of range (file has "
                    + (file.length - 8) + " bytes after the length, limit " + maxHeader + ")");
        }
        JsonNode header;
        try (JsonParser p = JSON.getFactory().createParser(file, 8, (int) headerLength)) {
            header = JSON.readTree(p);
        } catch (IOException e) {
            throw bad(what, "header is not valid JSON: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
        if (header == null || !header.isObject()) {
            throw bad(what, "header is not a JSON object");
        }
        int dataStart = (int) (8 + headerLength);
        long dataLength = file.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        record Entry(String name, DataType type, long[] shape, long begin, long end) {}
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw bad(what, "__metadata__ is not an object");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext();) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw bad(what, "metadata \"" + kv.getKey() + "\" is not a string");
                    }
                    metadata.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            if (name.isEmpty() || !v.isObject()) {
                throw bad(what, "tensor \"" + name + "\" has no description object");
            }
            String dtype = v.path("dtype").asText("");
            DataType type = switch (dtype) {
                case "F32" -> DataType.FLOAT;
                case "F64" -> DataType.DOUBLE;
                default -> throw bad(what, "tensor \"" + name + "\" has dtype \"" + dtype + "\"; supported: F32, F64");
            };
            JsonNode shapeNode = v.path("shape");
            JsonNode offsets = v.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw bad(what, "tensor \"" + name + "\" needs a shape array and two data_offsets");
            }
            long[] shape = new long[shapeNode.size()];
            long count = 1;
            try {
                for (int i = 0; i < shape.length; i++) {
                    JsonNode d = shapeNode.get(i);
                    if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                        throw bad(what, "tensor \"" + name + "\" has an invalid dimension " + d);
                    }
                    shape[i] = d.asLong();
                    count = Math.multiplyExact(count, shape[i]);
                }
                count = Math.multiplyExact(count, type.width());
            } catch (ArithmeticException e) {
                throw bad(what, "tensor \"" + name + "\" has a shape whose size overflows: " + shapeNode);
            }
            if (!offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
                throw bad(what, "tensor \"" + name + "\" has non-integer data_offsets " + offsets);
            }
            long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLength) {
                throw bad(what, "tensor \"" + name + "\" has data_offsets " + offsets + " outside the " + dataLength
                        + " data bytes");
            }
            if (end - begin != count) {
                throw bad(what, "tensor \"" + name + "\" has " + (end - begin) + " data bytes but its shape " + shapeNode
                        + " and dtype " + dtype + " need " + count);
            }
            if (count > Integer.MAX_VALUE) {
                throw bad(what, "tensor \"" + name + "\" is larger than 2 GiB");
            }
            entries.add(new Entry(name, type, shape, begin, end));
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expected) {
                throw bad(what, "tensor \"" + e.name() + "\" starts at byte " + e.begin() + " but the previous tensor ends at "
                        + expected + (e.begin() < expected ? " (overlap)" : " (hole)"));
            }
            expected = e.end();
        }
        if (expected != dataLength) {
            throw bad(what, "the tensors cover " + expected + " of the " + dataLength + " data bytes");
        }
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            ByteBuffer slice = ByteBuffer.wrap(file, dataStart + (int) e.begin(), (int) (e.end() - e.begin()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            int n = (int) ((e.end() - e.begin()) / e.type().width());
            INDArray a;
            if (n == 0) {
                tensors.put(e.name(), Nd4j.create(e.type(), e.shape()));
                continue;
            } else if (e.type() == DataType.DOUBLE) {
                double[] d = new double[n];
                slice.asDoubleBuffer().get(d);
                a = Nd4j.createFromArray(d);
            } else {
                float[] f = new float[n];
                slice.asFloatBuffer().get(f);
                a = Nd4j.createFromArray(f);
            }
            tensors.put(e.name(), e.shape().length == 0 ? a.reshape() : a.reshape('c', e.shape()));
        }
        return new Content(tensors, metadata);
    }

    private static IllegalArgumentException bad(String what, String reason) {
        return new IllegalArgumentException("Invalid safetensors file " + what + ": " + reason);
    }
}
