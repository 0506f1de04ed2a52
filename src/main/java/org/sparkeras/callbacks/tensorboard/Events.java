package org.sparkeras.callbacks.tensorboard;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire bytes of the two kinds of {@code tensorflow.Event} that a scalar log needs,
 * encoded by hand from the field numbers of {@code tensorflow/core/util/event.proto} and
 * {@code tensorflow/core/framework/summary.proto}:
 *
 * <pre>
 * message Event   { double wall_time = 1; int64 step = 2;
 *                   oneof what { string file_version = 3; Summary summary = 5; } }
 * message Summary { repeated Value value = 1; }
 * message Value   { string tag = 1; oneof value { float simple_value = 2; } }
 * </pre>
 *
 * Fields are written in field-number order and, as proto3 does, a plain field holding its default
 * (step 0, wall time 0, empty tag) is left out, while a oneof member is always written, even when
 * it is 0 or empty.
 */
public final class Events {
    /** The version string TensorFlow writes as the first event of every file. */
    public static final String FILE_VERSION = "brain.Event:2";

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private Events() {}

    /** The header event: {@code Event{wall_time, file_version: "brain.Event:2"}}. */
    public static byte[] fileVersion(double wallTime) {
        Buffer event = new Buffer();
        event.fixed64Field(1, wallTime);
        event.bytesField(3, FILE_VERSION.getBytes(StandardCharsets.UTF_8));
        return event.toByteArray();
    }

    /**
     * One scalar: {@code Event{wall_time, step, summary: Summary{value: [Value{tag, simple_value}]}}}.
     */
    public static byte[] scalar(double wallTime, long step, String tag, float value) {
        Buffer v = new Buffer();
        if (!tag.isEmpty()) {
            v.bytesField(1, tag.getBytes(StandardCharsets.UTF_8));
        }
        v.fixed32Field(2, value);
        Buffer summary = new Buffer();
        summary.bytesField(1, v.toByteArray());
        Buffer event = new Buffer();
        event.fixed64Field(1, wallTime);
        if (step != 0) {
            event.key(2, VARINT);
            event.varint(step);
        }
        event.bytesField(5, summary.toByteArray());
        return event.toByteArray();
    }

    /** A growing byte array with the protobuf primitive encodings. */
    private static final class Buffer extends ByteArrayOutputStream {
        void key(int field, int wireType) {
            varint(((long) field << 3) | wireType);
        }

        /** Base-128, least significant group first; a negative int64 takes ten bytes, as protobuf does. */
        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void fixed64Field(int field, double value) {
            long bits = Double.doubleToRawLongBits(value);
            if (bits == 0) {
                return;
            }
            key(field, FIXED64);
            for (int i = 0; i < 8; i++) {
                write((int) (bits >>> (8 * i)));
            }
        }

        void fixed32Field(int field, float value) {
            int bits = Float.floatToRawIntBits(value);
            key(field, FIXED32);
            for (int i = 0; i < 4; i++) {
                write(bits >>> (8 * i));
            }
        }

        void bytesField(int field, byte[] bytes) {
            key(field, LENGTH_DELIMITED);
            varint(bytes.length);
            writeBytes(bytes);
        }
    }
}
