package org.sparkeras.callbacks.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Wire bytes against literals encoded by hand in Python (struct + a 20-line varint encoder). */
class EventsTest {
    @Test
    void fileVersionEventBytes() {
        byte[] expected = {9, 0, 0, 32, 64, -4, 84, -39, 65, 26, 13, 98, 114, 97, 105, 110, 46, 69, 118, 101, 110,
            116, 58, 50};
        assertArrayEquals(expected, Events.fileVersion(1700000000.5));
    }

    @Test
    void scalarEventBytes() {
        byte[] expected = {9, 0, 0, 16, 64, -4, 84, -39, 65, 16, 3, 42, 19, 10, 17, 10, 10, 101, 112, 111, 99, 104,
            95, 108, 111, 115, 115, 21, 0, 0, 0, 63};
        assertArrayEquals(expected, Events.scalar(1700000000.25, 3, "epoch_loss", 0.5f));
    }

    @Test
    void multiByteVarintStep() {
        byte[] expected = {9, 0, 0, 0, 0, 0, 0, -8, 63, 16, -84, 2, 42, 19, 10, 17, 10, 10, 98, 97, 116, 99, 104, 95,
            108, 111, 115, 115, 21, 0, 0, 0, -64};
        assertArrayEquals(expected, Events.scalar(1.5, 300, "batch_loss", -2.0f));
    }

    @Test
    void stepZeroIsOmittedButAZeroValueIsWritten() {
        byte[] expected = {9, 0, 0, 0, 0, 0, 0, 0, 64, 42, 23, 10, 21, 10, 14, 101, 112, 111, 99, 104, 95, 97, 99, 99,
            117, 114, 97, 99, 121, 21, 0, 0, 0, 0};
        assertArrayEquals(expected, Events.scalar(2.0, 0, "epoch_accuracy", 0.0f));
    }

    @Test
    void negativeStepTakesTenBytes() {
        byte[] expected = {9, 0, 0, 0, 0, 0, 0, -16, 63, 16, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 42, 10, 10, 8, 10,
            1, 120, 21, 0, 0, -128, 63};
        assertArrayEquals(expected, Events.scalar(1.0, -1, "x", 1.0f));
    }

    @Test
    void readerDecodesWhatIsWritten() {
        EventFileReader.Event e = EventFileReader.parseEvent(Events.scalar(12.5, 1234567890123L, "epoch_auc", 0.75f));
        assertEquals(new EventFileReader.Event(12.5, 1234567890123L, null,
                List.of(new EventFileReader.Value("epoch_auc", 0.75f))), e);
        EventFileReader.Event header = EventFileReader.parseEvent(Events.fileVersion(3.25));
        assertEquals("brain.Event:2", header.fileVersion());
        assertEquals(3.25, header.wallTime());
        assertEquals(0, header.step());
        assertNull(EventFileReader.parseEvent(Events.scalar(1, 1, "a", 1f)).fileVersion());
    }
}
