package org.sparkeras.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkeras.data.IdxFiles.gzip;
import static org.sparkeras.data.IdxFiles.idx;
import static org.sparkeras.data.IdxFiles.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class IdxTest {
    @TempDir
    Path dir;

    private static final byte[] DATA = {0, 1, (byte) 128, (byte) 254, (byte) 255, 7, 8, 9, 10, 11, 12, 13};

    @Test
    void readsGzipAndRawFilesToTheSameUnscaledValues() throws IOException {
        byte[] raw = idx(0x0803, new int[] {3, 2, 2}, DATA);
        Path plain = write(dir.resolve("a.idx"), raw);
        Path gz = write(dir.resolve("a.idx.gz"), gzip(raw));

        for (Path file : new Path[] {plain, gz}) {
            INDArray a = Idx.read(file);
            assertEquals(DataType.FLOAT, a.dataType());
            assertArrayEquals(new long[] {3, 2, 2}, a.shape());
            assertArrayEquals(new float[] {0, 1, 128, 254, 255, 7, 8, 9, 10, 11, 12, 13}, a.data().asFloat());
            assertEquals(255f, a.getFloat(1, 0, 0));
            assertEquals(13f, a.getFloat(2, 1, 1));
        }
    }

    @Test
    void divisorScalesEveryByteExactlyAsFloatDivision() throws IOException {
        byte[] all = IdxFiles.ramp(256, 0);
        Path file = write(dir.resolve("ramp.gz"), gzip(idx(0x0801, new int[] {256}, all)));

        float[] v = Idx.read(file, Integer.MAX_VALUE, 255.0).data().asFloat();

        assertEquals(256, v.length);
        for (int i = 0; i < 256; i++) {
            assertEquals(i / 255f, v[i], "byte " + i);
        }
        assertEquals(0f, v[0]);
        assertEquals(1f, v[255]);
    }

    @Test
    void limitReadsOnlyTheFirstRecordsAndIgnoresWhatFollows() throws IOException {
        // The header declares 3 records but only 1.5 are present: a limited read never gets there.
        byte[] cut = Arrays.copyOf(DATA, 6);
        Path file = write(dir.resolve("cut.idx"), idx(0x0803, new int[] {3, 2, 2}, cut));

        INDArray first = Idx.read(file, 1, 1.0);

        assertArrayEquals(new long[] {1, 2, 2}, first.shape());
        assertArrayEquals(new float[] {0, 1, 128, 254}, first.data().asFloat());
    }

    @Test
    void limitAboveTheRecordCountReadsAllRecords() throws IOException {
        Path file = write(dir.resolve("a.idx"), idx(0x0803, new int[] {3, 2, 2}, DATA));

        assertArrayEquals(new long[] {3, 2, 2}, Idx.read(file, 1000, 1.0).shape());
    }

    @Test
    void headerReportsMagicTypeAndDimensions() throws IOException {
        Path file = write(dir.resolve("a.idx.gz"), gzip(idx(0x0803, new int[] {3, 2, 2}, DATA)));

        Idx.Header h = Idx.readHeader(file);

        assertEquals(2051, h.magic());
        assertEquals(Idx.UNSIGNED_BYTE, h.dataType());
        assertArrayEquals(new int[] {3, 2, 2}, h.dims());
        assertEquals(3, h.count());
        assertEquals(4, h.recordLength());
        assertEquals(16, h.byteCount());
        assertEquals(new Idx.Header(2051, new int[] {3, 2, 2}), h);
        h.dims()[0] = 99;
        assertEquals(3, h.count());
    }

    @Test
    void truncatedDataNamesTheFileTheExpectedAndTheFoundByteCounts() throws IOException {
        Path file = write(dir.resolve("short.idx.gz"),
                gzip(idx(0x0803, new int[] {3, 2, 2}, Arrays.copyOf(DATA, 7))));

        IOException e = assertThrows(IOException.class, () -> Idx.read(file));

        assertEquals(file + ": truncated: expected 12 data bytes (3 records of 4 values) after the 16-byte header"
                + " [3, 2, 2], found 7", e.getMessage());
    }

    @Test
    void truncatedGzipStreamNamesTheFile() throws IOException {
        byte[] noise = new byte[5000];
        new Random(7).nextBytes(noise);
        byte[] raw = idx(0x0803, new int[] {50, 10, 10}, noise);
        byte[] gz = gzip(raw);
        Path file = write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));

        IOException e = assertThrows(IOException.class, () -> Idx.read(file));

        assertTrue(e.getMessage().startsWith(file + ": corrupt or truncated gzip data after "), e.getMessage());
        assertTrue(e.getMessage().contains("of 5000 expected data bytes"), e.getMessage());
    }

    @Test
    void headerDeclaringMoreDataThanTheFileCanHoldFailsBeforeAllocating() throws IOException {
        // 2e9 values would need 8 GB, more than the test JVM has: this passes only if nothing is allocated.
        Path gz = write(dir.resolve("huge.gz"), gzip(idx(0x0801, new int[] {2_000_000_000}, new byte[10])));
        Path raw = write(dir.resolve("huge.idx"), idx(0x0801, new int[] {2_000_000_000}, new byte[10]));
        long gzSize = Files.size(gz);

        IOException g = assertThrows(IOException.class, () -> Idx.read(gz));
        IOException r = assertThrows(IOException.class, () -> Idx.read(raw));

        assertEquals(gz + ": truncated: expected 2000000000 data bytes (2000000000 records of 1 values) after the"
                + " 8-byte header [2000000000], but a gzip file of " + gzSize + " bytes holds at most "
                + gzSize * 1032, g.getMessage());
        assertEquals(raw + ": truncated: expected 2000000000 data bytes (2000000000 records of 1 values) after the"
                + " 8-byte header [2000000000], found 10", r.getMessage());
    }

    @Test
    void truncatedHeaderNamesTheExpectedAndFoundSizes() throws IOException {
        byte[] full = idx(0x0803, new int[] {3, 2, 2}, DATA);
        Path file = write(dir.resolve("header.idx"), Arrays.copyOf(full, 10));

        IOException e = assertThrows(IOException.class, () -> Idx.readHeader(file));

        assertEquals(file + ": truncated IDX header: expected 16 bytes (magic number and 3 dimension sizes),"
                + " found 10", e.getMessage());
    }

    @Test
    void fileThatIsNotIdxIsRefusedWithTheMagicNumberFound() throws IOException {
        Path file = write(dir.resolve("text.gz"), gzip("hello, world".getBytes()));

        IOException e = assertThrows(IOException.class, () -> Idx.read(file));

        assertEquals(file + ": not an IDX file: expected a magic number 0x0000TTRR (two zero bytes, the type, the"
                + " rank), found 0x68656C6C", e.getMessage());
    }

    @Test
    void unknownTypeCodeIsRefused() throws IOException {
        Path file = write(dir.resolve("t.idx"), idx(0x0701, new int[] {1}, new byte[1]));

        IOException e = assertThrows(IOException.class, () -> Idx.readHeader(file));

        assertTrue(e.getMessage().startsWith(file + ": unknown IDX data type 0x07 in magic number 0x00000701"),
                e.getMessage());
    }

    @Test
    void valuesOfOtherTypesAreRefusedButTheirHeaderReads() throws IOException {
        Path file = write(dir.resolve("f.idx"), idx(0x0D01, new int[] {2}, new byte[8]));

        assertEquals(0x0D, Idx.readHeader(file).dataType());
        IOException e = assertThrows(IOException.class, () -> Idx.read(file));
        assertEquals(file + ": expected IDX data type 0x08 (unsigned byte), found 0x0D (float); only unsigned-byte"
                + " values can be read", e.getMessage());
    }

    @Test
    void dataBeyondWhatTheHeaderDeclaresIsRefusedOnAFullRead() throws IOException {
        byte[] more = Arrays.copyOf(DATA, DATA.length + 1);
        Path file = write(dir.resolve("long.idx"), idx(0x0803, new int[] {3, 2, 2}, more));

        IOException e = assertThrows(IOException.class, () -> Idx.read(file));

        assertEquals(file + ": expected 12 data bytes after the 16-byte header [3, 2, 2], found more; the header"
                + " does not describe the file", e.getMessage());
        assertArrayEquals(new long[] {2, 2, 2}, Idx.read(file, 2, 1.0).shape());
    }

    @Test
    void headerDeclaringZeroRecordsIsRefused() throws IOException {
        Path file = write(dir.resolve("empty.idx"), idx(0x0801, new int[] {0}, new byte[0]));

        IOException e = assertThrows(IOException.class, () -> Idx.read(file));

        assertEquals(file + ": expected at least 1 record, found a header that declares 0 records [0]",
                e.getMessage());
    }

    @Test
    void missingFileAndDirectoryAreNamed() {
        Path missing = dir.resolve("nope.gz");

        IOException e = assertThrows(IOException.class, () -> Idx.read(missing));
        assertEquals(missing + ": expected an IDX file, found no such file", e.getMessage());
        IOException d = assertThrows(IOException.class, () -> Idx.readHeader(dir));
        assertEquals(dir + ": expected an IDX file, found a directory", d.getMessage());
        assertTrue(Files.notExists(missing));
    }

    @Test
    void badArgumentsAreRefused() throws IOException {
        Path file = write(dir.resolve("a.idx"), idx(0x0803, new int[] {3, 2, 2}, DATA));

        IllegalArgumentException limit = assertThrows(IllegalArgumentException.class, () -> Idx.read(file, 0, 1.0));
        assertEquals("Idx.read: limit must be at least 1 record, received 0", limit.getMessage());
        IllegalArgumentException divisor = assertThrows(IllegalArgumentException.class,
                () -> Idx.read(file, 1, 0.0));
        assertEquals("Idx.read: divisor must be positive and finite, received 0.0", divisor.getMessage());
    }
}
