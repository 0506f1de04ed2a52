package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkeras.callbacks.CallbackFixture.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.models.Sequential;
import org.sparkeras.training.Fit;

class CSVLoggerTest {
    @TempDir
    Path dir;

    private static void run(CSVLogger c, Map<String, Double>... epochs) {
        c.onTrainBegin(Map.of());
        for (int e = 0; e < epochs.length; e++) {
            c.onEpochBegin(e, Map.of());
            c.onEpochEnd(e, epochs[e]);
        }
        c.onTrainEnd(Map.of());
    }

    private String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesSortedHeaderAndOneRowPerEpochAsKeras() throws IOException {
        Path f = dir.resolve("log.csv");
        run(new CSVLogger(f), logs("loss", 0.5, "accuracy", 0.25, "val_loss", 1e-5),
                logs("loss", 0.125, "accuracy", Double.NaN));
        assertEquals("epoch,accuracy,loss,val_loss\r\n0,0.25,0.5,1e-05\r\n1,nan,0.125,NA\r\n", read(f));
    }

    @Test
    @SuppressWarnings("unchecked")
    void overwritesByDefaultAndAppendsWithoutASecondHeader() throws IOException {
        Path f = dir.resolve("log.csv");
        Files.writeString(f, "old content\n");
        run(new CSVLogger(f.toString()).separator(";"), logs("loss", 2.0));
        assertEquals("epoch;loss\r\n0;2.0\r\n", read(f));
        run(new CSVLogger(f).separator(";").append(true), logs("loss", 1.5), logs("loss", 1234567.0));
        assertEquals("epoch;loss\r\n0;2.0\r\n0;1.5\r\n1;1234567.0\r\n", read(f));
    }

    @Test
    @SuppressWarnings("unchecked")
    void appendingToAMissingOrEmptyFileWritesTheHeader() throws IOException {
        Path f = dir.resolve("new.csv");
        run(new CSVLogger(f).append(true), logs("loss", 1.0));
        assertEquals("epoch,loss\r\n0,1.0\r\n", read(f));
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        run(new CSVLogger(empty).append(true), logs("loss", 1.0));
        assertEquals("epoch,loss\r\n0,1.0\r\n", read(empty));
    }

    @Test
    @SuppressWarnings("unchecked")
    void fieldsHoldingTheSeparatorAreQuoted() throws IOException {
        Path f = dir.resolve("q.csv");
        run(new CSVLogger(f), logs("a,b", 1.0, "c\"d", 2.0));
        assertEquals("epoch,\"a,b\",\"c\"\"d\"\r\n0,1.0,2.0\r\n", read(f));
    }

    @Test
    void numbersAreFormattedAsPythonRepr() {
        assertEquals("0.1", CSVLogger.pythonRepr(0.1));
        assertEquals("0.0001", CSVLogger.pythonRepr(1e-4));
        assertEquals("1.5e-07", CSVLogger.pythonRepr(1.5e-7));
        assertEquals("-2.5e-05", CSVLogger.pythonRepr(-2.5e-5));
        assertEquals("1e+16", CSVLogger.pythonRepr(1e16));
        assertEquals("1234567890123456.0", CSVLogger.pythonRepr(1234567890123456.0));
        assertEquals("1.2345e+20", CSVLogger.pythonRepr(1.2345e20));
        assertEquals("0.30000000000000004", CSVLogger.pythonRepr(0.1 + 0.2));
        assertEquals("-0.0", CSVLogger.pythonRepr(-0.0));
        assertEquals("-inf", CSVLogger.pythonRepr(Double.NEGATIVE_INFINITY));
        assertEquals("100.0", CSVLogger.pythonRepr(100.0));
    }

    @Test
    void realFitWritesEveryEpoch() throws IOException {
        Path f = dir.resolve("fit.csv");
        Sequential m = CallbackFixture.model(new SGD(0.01));
        History h = m.fit(CallbackFixture.X, CallbackFixture.Y, Fit.epochs(3).batchSize(3).shuffle(false).verbose(0)
                .validationData(CallbackFixture.X, CallbackFixture.Y).callbacks(new CSVLogger(f)));
        StringBuilder expected = new StringBuilder("epoch,loss,val_loss\r\n");
        for (int e = 0; e < 3; e++) {
            expected.append(e).append(',').append(CSVLogger.pythonRepr(h.get("loss").get(e))).append(',')
                    .append(CSVLogger.pythonRepr(h.get("val_loss").get(e))).append("\r\n");
        }
        assertEquals(expected.toString(), read(f));
    }

    @Test
    void epochEndBeforeTrainBeginIsRefused() {
        CSVLogger c = new CSVLogger(dir.resolve("x.csv"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.onEpochEnd(0, Map.of()));
        assertEquals("CSVLogger: onEpochEnd(0) called before onTrainBegin opened " + dir.resolve("x.csv"), e.getMessage());
    }
}
