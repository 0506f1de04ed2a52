package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SafeTensorsTest {

    private static Map<String, INDArray> sample() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("dense/kernel", Nd4j.createFromArray(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3));
        m.put("dense/bias", Nd4j.createFromArray(new float[] {0.5f, -0.5f, 0.25f}));
        m.put("scale", Nd4j.createFromArray(new double[] {3.0}).reshape());
        return m;
    }

    @Test
    void roundTripKeepsValuesShapesTypesAndMetadata() {
        byte[] file = SafeTensors.write(sample(), Map.of("format", "pt"));
        SafeTensors.Content c = SafeTensors.read(file, "sample");
        assertEquals(List.of("dense/bias", "dense/kernel", "scale"), List.copyOf(c.tensors().keySet()));
        assertEquals(sample().get("dense/kernel"), c.tensors().get("dense/kernel"));
        assertEquals(DataType.DOUBLE, c.tensors().get("scale").dataType());
        assertEquals(0, c.tensors().get("scale").rank());
        assertEquals(Map.of("format", "pt"), c.metadata());
    }

    @Test
    void layoutIsTheSafetensorsFormat() {
        byte[] file = SafeTensors.write(Map.of("b", Nd4j.createFromArray(new float[] {1f, 2f})), Map.of());
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertEquals(0, n % 8);
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8).strip();
        assertEquals("{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header);
        assertEquals(8 + n + 8, file.length);
        assertEquals(1f, buf.getFloat((int) (8 + n)));
        assertEquals(2f, buf.getFloat((int) (8 + n + 4)));
    }

    /** A file with this header and this many data bytes. */
    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static String error(byte[] f) {
        return assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(f, "x.safetensors", 1024)).getMessage();
    }

    @Test
    void malformedFilesAreRefusedNamingTheTensorAndTheReason() {
        assertTrue(error(new byte[5]).contains("shorter than the 8-byte header length"));
        byte[] huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array();
        assertTrue(error(huge).contains("header length 9223372036854775807 is out of range"), error(huge));
        assertTrue(error(file("{\"a\":", 0)).contains("not valid JSON"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)).contains("not valid JSON"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8))
                .contains("tensor \"a\" has dtype \"I64\"; supported: F32, F64"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4))
                .contains("tensor \"a\" has a shape whose size overflows"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4))
                .contains("outside the 4 data bytes"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4))
                .contains("has 4 data bytes but its shape [2] and dtype F32 need 8"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8)).contains("(overlap)"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)).contains("(hole)"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4))
                .contains("invalid dimension -1"));
    }

    @Test
    void randomMutationsGiveACleanErrorOrAValidResult() {
        byte[] valid = SafeTensors.write(sample(), Map.of("k", "v"));
        SplittableRandom r = new SplittableRandom(7);
        int refused = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] f = valid.clone();
            int flips = 1 + r.nextInt(4);
            for (int j = 0; j < flips; j++) {
                f[r.nextInt(f.length)] = (byte) r.nextInt(256);
            }
            if (r.nextInt(10) == 0) {
                f = java.util.Arrays.copyOf(f, r.nextInt(f.length));
            }
            try {
                SafeTensors.read(f, "fuzz");
            } catch (IllegalArgumentException expected) {
                refused++;
            }
        }
        assertTrue(refused > 100, "most mutations of the header or length must be refused, refused " + refused);
        assertArrayEquals(valid, SafeTensors.write(SafeTensors.read(valid, "v").tensors(), Map.of("k", "v")));
    }
}
