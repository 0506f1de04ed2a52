package org.sparkeras.callbacks.tensorboard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A test-side reader of event files, written independently of the writer: TFRecord framing with a
 * bitwise CRC32C (not java.util.zip) checked on every length and every payload, then a small
 * protobuf reader for Event / Summary / Value that skips fields it does not know.
 */
public final class EventFileReader {
    /** A decoded {@code tensorflow.Event}; {@code fileVersion} is null when absent. */
    public record Event(double wallTime, long step, String fileVersion, List<Value> values) {}

    /** A decoded {@code Summary.Value} with a simple_value. */
    public record Value(String tag, float simpleValue) {}

    private EventFileReader() {}

    /** The single file in {@code dir}; fails when there are none or several. */
    public static Path onlyFile(Path dir) throws IOException {
        List<Path> files = files(dir);
        if (files.size() != 1) {
            throw new AssertionError("expected one event file in " + dir + ", found " + files);
        }
        return files.get(0);
    }

    /** The files in {@code dir}, sorted by name. */
    public static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Decodes every event of {@code file}. */
    public static List<Event> read(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        for (byte[] r : records(Files.readAllBytes(file))) {
            events.add(parseEvent(r));
        }
        return events;
    }

    /** Splits TFRecord framing, checking both masked CRCs of every record and that nothing trails. */
    public static List<byte[]> records(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 12) {
                throw new AssertionError("truncated record header at " + b.position());
            }
            int start = b.position();
            long len = b.getLong();
            int lenCrc = b.getInt();
            if (lenCrc != maskedCrc32c(file, start, 8)) {
                throw new AssertionError("bad length CRC at " + start);
            }
            if (len < 0 || len > b.remaining() - 4) {
                throw new AssertionError("bad record length " + len + " at " + start);
            }
            byte[] data = new byte[(int) len];
            int dataStart = b.position();
            b.get(data);
            int dataCrc = b.getInt();
            if (dataCrc != maskedCrc32c(file, dataStart, (int) len)) {
                throw new AssertionError("bad data CRC at " + dataStart);
            }
            out.add(data);
        }
        return out;
    }

    /** Every scalar of {@code events}: tag to (step to value), steps in order; a repeated step fails. */
    public static Map<String, TreeMap<Long, Float>> scalars(List<Event> events) {
        Map<String, TreeMap<Long, Float>> out = new LinkedHashMap<>();
        for (Event e : events) {
            for (Value v : e.values()) {
                Float old = out.computeIfAbsent(v.tag(), k -> new TreeMap<>()).put(e.step(), v.simpleValue());
                if (old != null) {
                    throw new AssertionError("tag " + v.tag() + " written twice at step " + e.step());
                }
            }
        }
        return out;
    }

    /** Bitwise CRC32C (Castagnoli, reflected polynomial 0x82F63B78), masked as TFRecord does. */
    public static int maskedCrc32c(byte[] data, int off, int len) {
        int crc = 0xFFFFFFFF;
        for (int i = off; i < off + len; i++) {
            crc ^= data[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        crc = ~crc;
        return Integer.rotateRight(crc, 15) + 0xa282ead8;
    }

    public static Event parseEvent(byte[] data) {
        Reader r = new Reader(data);
        double wallTime = 0;
        long step = 0;
        String fileVersion = null;
        List<Value> values = new ArrayList<>();
        while (r.more()) {
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 1) {
                wallTime = Double.longBitsToDouble(r.fixed64());
            } else if (field == 2 && wire == 0) {
                step = r.varint();
            } else if (field == 3 && wire == 2) {
                fileVersion = new String(r.bytes(), StandardCharsets.UTF_8);
            } else if (field == 5 && wire == 2) {
                values.addAll(parseSummary(r.bytes()));
            } else {
                r.skip(wire);
            }
        }
        return new Event(wallTime, step, fileVersion, values);
    }

    private static List<Value> parseSummary(byte[] data) {
        Reader r = new Reader(data);
        List<Value> values = new ArrayList<>();
        while (r.more()) {
            long key = r.varint();
            if (key == ((1 << 3) | 2)) {
                values.add(parseValue(r.bytes()));
            } else {
                r.skip((int) (key & 7));
            }
        }
        return values;
    }

    private static Value parseValue(byte[] data) {
        Reader r = new Reader(data);
        String tag = "";
        Float value = null;
        while (r.more()) {
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 2) {
                tag = new String(r.bytes(), StandardCharsets.UTF_8);
            } else if (field == 2 && wire == 5) {
                value = Float.intBitsToFloat(r.fixed32());
            } else {
                r.skip(wire);
            }
        }
        if (value == null) {
            throw new AssertionError("Value " + tag + " has no simple_value");
        }
        return new Value(tag, value);
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return pos < b.length;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new AssertionError("varint longer than 10 bytes");
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (b[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        int fixed32() {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (b[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        byte[] bytes() {
            int len = (int) varint();
            if (len < 0 || pos + len > b.length) {
                throw new AssertionError("length " + len + " overruns message at " + pos);
            }
            byte[] out = new byte[len];
            System.arraycopy(b, pos, out, 0, len);
            pos += len;
            return out;
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> bytes();
                case 5 -> pos += 4;
                default -> throw new AssertionError("unknown wire type " + wire);
            }
        }
    }
}
