package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Flatten;
import org.sparkeras.layers.Names;
import org.sparkeras.training.Fit;
import org.sparkeras.models.Sequential;

/**
 * Reads model.safetensors with a minimal reader written here (not {@link SafeTensors}): 8-byte little-endian
 * header length, JSON header, F32 dtype, shapes, data offsets, little-endian floats.
 */
class IndependentSafetensorsReaderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(11);
    }

    /** One tensor as decoded by the independent reader. */
    private record Decoded(long[] shape, float[] values) {}

    @Test
    void everyWeightIsFoundWithItsShapeAndExactValues() throws IOException {
        Sequential m = new Sequential(new Flatten().inputShape(4, 4), new Dense(8, "relu"), new Dense(3, "softmax"));
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 4, 4);
        INDArray y = Nd4j.createFromArray(new float[32]).reshape(32, 1);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, 0, i % 3);
        }
        m.fit(x, y, Fit.epochs(2).batchSize(8).verbose(0));
        Path path = dir.resolve("mnist_like.keras");
        m.save(path.toString());

        byte[] st = entry(Files.readAllBytes(path), "model.safetensors");
        assertNotNull(st, "the archive has no model.safetensors entry");
        Map<String, Decoded> tensors = read(st);

        List<Variable> vars = m.weights();
        List<INDArray> values = m.getWeights();
        assertEquals(4, vars.size());
        assertEquals(vars.size(), values.size());
        List<String> expectedNames = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Variable v = vars.get(i);
            expectedNames.add(v.name());
            Decoded d = tensors.get(v.name());
            assertNotNull(d, "weight " + v.name() + " is missing from model.safetensors: " + tensors.keySet());
            assertArrayEquals(v.shape(), d.shape(), v.name());
            INDArray expected = values.get(i);
            assertArrayEquals(expected.shape(), d.shape(), v.name());
            float[] e = expected.castTo(DataType.FLOAT).dup('c').data().asFloat();
            assertEquals(e.length, d.values().length, v.name());
            for (int k = 0; k < e.length; k++) {
                assertEquals(Float.floatToRawIntBits(e[k]), Float.floatToRawIntBits(d.values()[k]),
                        v.name() + "[" + k + "]: expected " + e[k] + " but the file has " + d.values()[k]);
            }
        }
        assertTrue(expectedNames.containsAll(List.of("dense/kernel", "dense/bias")), expectedNames.toString());
        assertEquals(new java.util.TreeSet<>(expectedNames), new java.util.TreeSet<>(tensors.keySet()),
                "model.safetensors holds other tensors than model.weights()");
    }

    private static byte[] entry(byte[] archive, String name) throws IOException {
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                if (e.getName().equals(name)) {
                    return z.readAllBytes();
                }
            }
        }
        return null;
    }

    /** The independent minimal safetensors reader. */
    private static Map<String, Decoded> read(byte[] file) throws IOException {
        assertTrue(file.length >= 8, "file shorter than the 8-byte header length");
        long headerLen = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertTrue(headerLen > 0 && 8 + headerLen <= file.length, "bad header length " + headerLen);
        int dataStart = 8 + (int) headerLen;
        JsonNode header = new ObjectMapper().readTree(new String(file, 8, (int) headerLen,
                java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(header.isObject(), "the header is not a JSON object");
        int dataLen = file.length - dataStart;
        Map<String, Decoded> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = header.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = f.getValue();
            assertEquals("F32", t.path("dtype").asText(), f.getKey() + " dtype");
            JsonNode shapeNode = t.get("shape");
            assertTrue(shapeNode != null && shapeNode.isArray(), f.getKey() + " shape");
            long[] shape = new long[shapeNode.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                assertTrue(shapeNode.get(i).canConvertToLong() && shapeNode.get(i).asLong() >= 0, f.getKey() + " shape");
                shape[i] = shapeNode.get(i).asLong();
                count *= shape[i];
            }
            JsonNode offs = t.get("data_offsets");
            assertTrue(offs != null && offs.isArray() && offs.size() == 2, f.getKey() + " data_offsets");
            long begin = offs.get(0).asLong(), end = offs.get(1).asLong();
            assertTrue(0 <= begin && begin <= end && end <= dataLen, f.getKey() + " data_offsets out of range");
            assertEquals(count * 4, end - begin, f.getKey() + " byte length vs shape");
            ByteBuffer b = ByteBuffer.wrap(file, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[(int) count];
            for (int i = 0; i < values.length; i++) {
                values[i] = b.getFloat();
            }
            out.put(f.getKey(), new Decoded(shape, values));
        }
        return out;
    }
}
