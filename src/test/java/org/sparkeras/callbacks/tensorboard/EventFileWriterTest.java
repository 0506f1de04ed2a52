package org.sparkeras.callbacks.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Literals from a pure-Python bitwise CRC32C (which gives the standard check value e3069283 for "123456789"). */
class EventFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void maskedCrc32cOfTheCheckString() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xc78ab0e5, EventFileWriter.maskedCrc32c(check, 0, 9));
        assertEquals(0xc78ab0e5, EventFileReader.maskedCrc32c(check, 0, 9));
    }

    @Test
    void maskedCrc32cOfALengthAndOfData() {
        byte[] length24 = {24, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(0x224b7fa3, EventFileWriter.maskedCrc32c(length24, 0, 8));
        byte[] data = Events.fileVersion(1700000000.5);
        assertEquals(0x1031352b, EventFileWriter.maskedCrc32c(data, 0, data.length));
        byte[] padded = new byte[data.length + 3];
        System.arraycopy(data, 0, padded, 2, data.length);
        assertEquals(0x1031352b, EventFileWriter.maskedCrc32c(padded, 2, data.length));
    }

    @Test
    void recordFramingBytes() throws IOException {
        byte[] expected = {24, 0, 0, 0, 0, 0, 0, 0, -93, 127, 75, 34, 9, 0, 0, 32, 64, -4, 84, -39, 65, 26, 13, 98,
            114, 97, 105, 110, 46, 69, 118, 101, 110, 116, 58, 50, 43, 53, 49, 16};
        Path file;
        try (EventFileWriter w = new EventFileWriter(dir)) {
            w.writeRecord(Events.fileVersion(1700000000.5));
            file = w.path();
        }
        byte[] all = Files.readAllBytes(file);
        // The writer's own header (current time) is 40 bytes too: same layout, other wall time.
        assertEquals(80, all.length);
        assertArrayEquals(expected, Arrays.copyOfRange(all, 40, 80));
        assertEquals(2, EventFileReader.records(all).size());
    }

    @Test
    void firstRecordIsTheFileVersionWithTheCurrentWallTimeAndTheNameIsTensorFlows() throws IOException {
        double before = System.currentTimeMillis() / 1000.0;
        Path file;
        try (EventFileWriter w = new EventFileWriter(dir.resolve("a/b"))) {
            w.addScalar("epoch_loss", 1.25f, 7);
            file = w.path();
        }
        double after = System.currentTimeMillis() / 1000.0;
        assertEquals(dir.resolve("a/b"), file.getParent());
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."), file.toString());
        String rest = file.getFileName().toString().substring("events.out.tfevents.".length());
        long seconds = Long.parseLong(rest.substring(0, rest.indexOf('.')));
        assertTrue(seconds >= (long) Math.floor(before) && seconds <= (long) after, rest);
        assertEquals(java.net.InetAddress.getLocalHost().getHostName(), rest.substring(rest.indexOf('.') + 1));

        List<EventFileReader.Event> events = EventFileReader.read(file);
        assertEquals(2, events.size());
        EventFileReader.Event header = events.get(0);
        assertEquals("brain.Event:2", header.fileVersion());
        assertTrue(header.wallTime() >= before - 0.001 && header.wallTime() <= after + 0.001, "" + header.wallTime());
        assertEquals(List.of(), header.values());
        assertEquals(new TreeMap<>(java.util.Map.of(7L, 1.25f)), EventFileReader.scalars(events).get("epoch_loss"));
    }

    @Test
    void anExistingFileOfTheSameNameIsKept() throws IOException {
        String host = java.net.InetAddress.getLocalHost().getHostName();
        long now = System.currentTimeMillis() / 1000;
        // Occupy the names of this second and the next, whichever the writer picks.
        for (long s = now; s <= now + 1; s++) {
            Files.writeString(dir.resolve("events.out.tfevents." + s + "." + host), "other run");
        }
        Path file;
        try (EventFileWriter w = new EventFileWriter(dir)) {
            file = w.path();
        }
        for (long s = now; s <= now + 1; s++) {
            Path other = dir.resolve("events.out.tfevents." + s + "." + host);
            assertNotEquals(other, file);
            assertEquals("other run", Files.readString(other));
        }
        assertTrue(file.getFileName().toString().matches("events\\.out\\.tfevents\\.\\d+\\..+\\.1"), file.toString());
        assertEquals("brain.Event:2", EventFileReader.read(file).get(0).fileVersion());
    }

    @Test
    void flushMakesRecordsVisibleBeforeClose() throws IOException {
        try (EventFileWriter w = new EventFileWriter(dir)) {
            w.addScalar("epoch_loss", 0.5f, 1);
            w.flush();
            List<EventFileReader.Event> events = EventFileReader.read(w.path());
            assertEquals(2, events.size());
            assertEquals(0.5f, events.get(1).values().get(0).simpleValue());
        }
    }

    @Test
    void writingAfterCloseFailsAndClosingTwiceDoesNothing() {
        EventFileWriter w = new EventFileWriter(dir);
        w.close();
        w.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.addScalar("a", 1f, 1));
        assertTrue(e.getMessage().contains(w.path().toString()), e.getMessage());
    }

    @Test
    void theReaderRejectsACorruptedRecord() throws IOException {
        Path file;
        try (EventFileWriter w = new EventFileWriter(dir)) {
            w.addScalar("epoch_loss", 0.5f, 1);
            file = w.path();
        }
        byte[] all = Files.readAllBytes(file);
        all[all.length - 6] ^= 1;
        AssertionError data = assertThrows(AssertionError.class, () -> EventFileReader.records(all));
        assertTrue(data.getMessage().startsWith("bad data CRC"), data.getMessage());
        byte[] again = Files.readAllBytes(file);
        again[40] ^= 1;
        AssertionError length = assertThrows(AssertionError.class, () -> EventFileReader.records(again));
        assertTrue(length.getMessage().startsWith("bad length CRC"), length.getMessage());
    }
}
