package org.sparkeras.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Engine;

/**
 * Reader of the IDX format, the format of the original MNIST files: a big-endian header, then the
 * values in row-major order. The header is a 4-byte magic number {@code 0x00 0x00 <type> <rank>}
 * followed by one unsigned 32-bit size per dimension; the first dimension counts the records
 * (images, labels). For example 2051 ({@code 0x00000803}) is an unsigned-byte array of rank 3 and
 * 2049 ({@code 0x00000801}) one of rank 1.
 *
 * <p>Gzip-compressed files are recognised by their first two bytes, not by their name, and are
 * decompressed while they are read. Headers of every IDX data type can be read; values can be read
 * for unsigned bytes (type {@code 0x08}), the type of every MNIST file.
 *
 * <pre>{@code
 * INDArray labels = Idx.read(Path.of("train-labels-idx1-ubyte.gz"));              // [60000], 0-9
 * INDArray first = Idx.read(Path.of("train-images-idx3-ubyte.gz"), 100, 255.0);   // [100, 28, 28]
 * }</pre>
 */
public final class Idx {
    /** The IDX type code of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;

    // Large enough that the inflater and the conversion loop, not the calls, set the speed.
    private static final int BUFFER_BYTES = 1 << 20;
    // Deflate expands at most about 1032:1, so a gzip file of n bytes holds at most 1032 n values.
    private static final long MAX_DEFLATE_RATIO = 1032;
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE;

    private Idx() {}

    /**
     * The header of an IDX file.
     *
     * @param magic the magic number, {@code (type << 8) | rank}
     * @param dims the size of every dimension, the record count first
     */
    public record Header(int magic, int[] dims) {
        public Header {
            dims = dims.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        /** The type code of the values ({@link #UNSIGNED_BYTE} for MNIST). */
        public int dataType() {
            return (magic >>> 8) & 0xff;
        }

        /** The number of records (the first dimension). */
        public int count() {
            return dims[0];
        }

        /** The number of values in one record (the product of the dimensions after the first). */
        public long recordLength() {
            long n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }

        /** The size of the header in bytes: the magic number and one size per dimension. */
        public int byteCount() {
            return 4 + 4 * dims.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && h.magic == magic && Arrays.equals(h.dims, dims);
        }

        @Override
        public int hashCode() {
            return 31 * magic + Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return "IDX " + typeName(dataType()) + " " + shapeText(dims) + " (magic " + magic + ")";
        }
    }

    /** Reads and checks the header only. */
    public static Header readHeader(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return readHeader(file, in);
        } catch (EOFException | ZipException e) {
            throw corrupt(file, "in the header", e);
        }
    }

    /** Reads a whole unsigned-byte file with its values unscaled (0-255). */
    public static INDArray read(Path file) throws IOException {
        return read(file, Integer.MAX_VALUE, 1.0);
    }

    /**
     * Reads the first {@code limit} records of an unsigned-byte file (all of them when the file has
     * fewer) into a FLOAT array of shape {@code [records, dims...]}; each byte {@code v} becomes
     * {@code v / divisor} (255 scales pixels to [0, 1]). A full read also checks that no data
     * follows the last record.
     *
     * @throws IOException when the file is not IDX, not unsigned bytes, truncated or corrupt; the
     *     message names the file, what was expected and what was found
     */
    public static INDArray read(Path file, int limit, double divisor) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("Idx.read: limit must be at least 1 record, received " + limit);
        }
        if (!(divisor > 0) || Double.isInfinite(divisor)) {
            throw new IllegalArgumentException("Idx.read: divisor must be positive and finite, received " + divisor);
        }
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) {
            table[v] = (float) (v / divisor);
        }
        try (InputStream in = open(file)) {
            Header header = readHeader(file, in);
            if (header.dataType() != UNSIGNED_BYTE) {
                throw new IOException(String.format("%s: expected IDX data type 0x08 (unsigned byte), found 0x%02X (%s);"
                        + " only unsigned-byte values can be read", file, header.dataType(), typeName(header.dataType())));
            }
            int records = Math.min(header.count(), limit);
            if (records == 0) {
                throw new IOException(file + ": expected at least 1 record, found a header that declares 0 records "
                        + shapeText(header.dims));
            }
            long total = records * header.recordLength();
            if (total > MAX_ARRAY_LENGTH) {
                throw new IOException(String.format("%s: %d records of %d values (%d values) exceed the largest"
                        + " array this reader creates (%d values); read fewer records", file, records,
                        header.recordLength(), total, MAX_ARRAY_LENGTH));
            }
            // Checked before the array is allocated, so a corrupt header that declares billions of
            // values in a small file fails here rather than on a giant allocation.
            long fileSize = Files.size(file);
            if (in instanceof GZIPInputStream) {
                if (total > fileSize * MAX_DEFLATE_RATIO) {
                    throw new IOException(String.format("%s: truncated: expected %d data bytes (%d records of %d"
                            + " values) after the %d-byte header %s, but a gzip file of %d bytes holds at most %d",
                            file, total, records, header.recordLength(), header.byteCount(), shapeText(header.dims),
                            fileSize, fileSize * MAX_DEFLATE_RATIO));
                }
            } else if (total > fileSize - header.byteCount()) {
                throw truncated(file, header, records, total, fileSize - header.byteCount());
            }
            long[] shape = new long[header.dims.length];
            shape[0] = records;
            for (int i = 1; i < shape.length; i++) {
                shape[i] = header.dims[i];
            }
            Engine.init();
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape);
            readValues(file, in, header, records, (int) total, table, records == header.count(), out);
            return out;
        } catch (EOFException | ZipException e) {
            throw corrupt(file, "", e);
        }
    }

    // Converts chunk by chunk straight into the array's native memory: no heap copy of the whole
    // data set (188 MB for the MNIST training images) and no second copy into ND4J.
    private static void readValues(Path file, InputStream in, Header header, int records, int total,
            float[] table, boolean wholeFile, INDArray out) throws IOException {
        FloatPointer dst = new FloatPointer(out.data().addressPointer());
        byte[] buffer = new byte[BUFFER_BYTES];
        float[] chunk = new float[BUFFER_BYTES];
        int filled = 0;
        try {
            while (filled < total) {
                int n = in.read(buffer, 0, Math.min(buffer.length, total - filled));
                if (n < 0) {
                    throw truncated(file, header, records, total, filled);
                }
                for (int i = 0; i < n; i++) {
                    chunk[i] = table[buffer[i] & 0xff];
                }
                dst.position(filled).put(chunk, 0, n);
                filled += n;
            }
            if (wholeFile && in.read() >= 0) {
                throw new IOException(String.format("%s: expected %d data bytes after the %d-byte header %s, found more;"
                        + " the header does not describe the file", file, total, header.byteCount(),
                        shapeText(header.dims)));
            }
        } catch (EOFException | ZipException e) {
            throw corrupt(file, String.format("after %d of %d expected data bytes", filled, total), e);
        }
    }

    private static IOException truncated(Path file, Header header, int records, long expected, long found) {
        return new IOException(String.format("%s: truncated: expected %d data bytes (%d records of %d values) after"
                + " the %d-byte header %s, found %d", file, expected, records, header.recordLength(),
                header.byteCount(), shapeText(header.dims), found));
    }

    private static Header readHeader(Path file, InputStream in) throws IOException {
        byte[] m = in.readNBytes(4);
        if (m.length < 4) {
            throw new IOException(String.format("%s: truncated IDX header: expected a 4-byte magic number, found %d"
                    + " bytes", file, m.length));
        }
        int magic = ((m[0] & 0xff) << 24) | ((m[1] & 0xff) << 16) | ((m[2] & 0xff) << 8) | (m[3] & 0xff);
        if ((magic >>> 16) != 0) {
            throw new IOException(String.format("%s: not an IDX file: expected a magic number 0x0000TTRR (two zero"
                    + " bytes, the type, the rank), found 0x%08X", file, magic));
        }
        int type = (magic >>> 8) & 0xff;
        if (typeName(type) == null) {
            throw new IOException(String.format("%s: unknown IDX data type 0x%02X in magic number 0x%08X, expected"
                    + " one of 0x08 (unsigned byte), 0x09 (signed byte), 0x0B (short), 0x0C (int), 0x0D (float),"
                    + " 0x0E (double)", file, type, magic));
        }
        int rank = magic & 0xff;
        if (rank == 0) {
            throw new IOException(String.format("%s: expected an IDX rank of at least 1 in magic number 0x%08X,"
                    + " found 0", file, magic));
        }
        byte[] d = in.readNBytes(4 * rank);
        if (d.length < 4 * rank) {
            throw new IOException(String.format("%s: truncated IDX header: expected %d bytes (magic number and %d"
                    + " dimension sizes), found %d", file, 4 + 4 * rank, rank, 4 + d.length));
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            int j = 4 * i;
            dims[i] = ((d[j] & 0xff) << 24) | ((d[j + 1] & 0xff) << 16) | ((d[j + 2] & 0xff) << 8) | (d[j + 3] & 0xff);
            if (dims[i] < 0) {
                throw new IOException(String.format("%s: IDX dimension %d has size %d, expected at most %d",
                        file, i, Integer.toUnsignedLong(dims[i]), Integer.MAX_VALUE));
            }
        }
        return new Header(magic, dims);
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            String found = Files.isDirectory(file) ? "a directory" : Files.exists(file) ? "no regular file" : "no such file";
            throw new IOException(file + ": expected an IDX file, found " + found);
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, BUFFER_BYTES) : in;
        } catch (IOException | RuntimeException e) {
            in.close();
            if (e instanceof EOFException || e instanceof ZipException) {
                throw corrupt(file, "in the gzip header", (IOException) e);
            }
            throw e;
        }
    }

    private static IOException corrupt(Path file, String where, IOException cause) {
        String at = where.isEmpty() ? "" : " " + where;
        return new IOException(file + ": corrupt or truncated gzip data" + at + ": " + cause.getMessage(), cause);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> null;
        };
    }

    private static String shapeText(int[] dims) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return s.append(']').toString();
    }
}
