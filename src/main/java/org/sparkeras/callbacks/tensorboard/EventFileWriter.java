package org.sparkeras.callbacks.tensorboard;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * One TensorBoard event file, {@code <dir>/events.out.tfevents.<unix seconds>.<hostname>} as
 * TensorFlow names them, holding {@link Events} in TFRecord framing. Every record is
 *
 * <pre>
 * uint64 length (little-endian) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
 * </pre>
 *
 * with {@code masked_crc = ((crc >>> 15) | (crc << 17)) + 0xa282ead8} (mod 2^32), integers
 * little-endian. The first record, written on opening, is the {@code "brain.Event:2"} header.
 *
 * <pre>{@code
 * try (EventFileWriter w = new EventFileWriter(Path.of("logs/train"))) {
 *     w.addScalar("epoch_loss", 0.25f, 0);
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class EventFileWriter implements Closeable {
    private static final String PREFIX = "events.out.tfevents.";
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path path;
    private final OutputStream out;
    private boolean closed;

    /** Creates {@code dir} if needed, opens a new event file in it and writes the header event. */
    public EventFileWriter(Path dir) {
        try {
            Files.createDirectories(dir);
            double now = wallTime();
            String base = PREFIX + (long) Math.floor(now) + "." + hostname();
            Path p = dir.resolve(base);
            OutputStream o = null;
            // Two writers opened in the same second in the same directory (two fits in a row) would
            // share a name; TensorBoard reads every file whose name holds "tfevents", so a counter
            // suffix keeps both runs instead of truncating the first.
            for (int n = 1; o == null; n++) {
                try {
                    o = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    p = dir.resolve(base + "." + n);
                }
            }
            this.path = p;
            this.out = new BufferedOutputStream(o);
            writeRecord(Events.fileVersion(now));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a TensorBoard event file in " + dir, e);
        }
    }

    /** The file being written. */
    public Path path() {
        return path;
    }

    /** Appends one scalar event with the current wall time. */
    public void addScalar(String tag, float value, long step) {
        writeRecord(Events.scalar(wallTime(), step, tag, value));
    }

    /** Appends one record holding {@code data} (the bytes of an Event). */
    public void writeRecord(byte[] data) {
        if (closed) {
            throw new IllegalStateException("Event file " + path + " is closed");
        }
        byte[] header = new byte[12];
        putLong(header, 0, data.length);
        putInt(header, 8, maskedCrc32c(header, 0, 8));
        byte[] footer = new byte[4];
        putInt(footer, 0, maskedCrc32c(data, 0, data.length));
        try {
            out.write(header);
            out.write(data);
            out.write(footer);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to TensorBoard event file " + path, e);
        }
    }

    /** Pushes buffered records to the file, so that a running TensorBoard sees them. */
    public void flush() {
        if (closed) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot flush TensorBoard event file " + path, e);
        }
    }

    /** Flushes and closes the file; closing twice does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close TensorBoard event file " + path, e);
        }
    }

    /** TFRecord's masked CRC32C of {@code len} bytes of {@code data} from {@code off}. */
    public static int maskedCrc32c(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        int c = (int) crc.getValue();
        // Masked because a CRC of data that itself holds CRCs is weak (TFRecord's reason).
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    private static double wallTime() {
        Instant now = Instant.now();
        return now.getEpochSecond() + now.getNano() / 1e9;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
