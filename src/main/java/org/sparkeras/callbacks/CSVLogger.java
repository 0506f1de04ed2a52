package org.sparkeras.callbacks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams the epoch logs to a CSV file, as Keras's {@code CSVLogger}: a header
 * {@code epoch,<keys sorted>} taken from the first epoch's logs, then one row per epoch with the
 * 0-based epoch and the values, "NA" for a key missing from a later epoch. Rows follow Python's
 * {@code csv} excel dialect as Keras writes them: lines end with "\r\n", fields holding the
 * separator, a quote or a line break are quoted, and numbers are formatted as Python's
 * {@code repr} ("0.5", "1e-05", "nan", "inf"). Each row is flushed.
 *
 * <p>With {@code append}, rows go after an existing file's content and the header is written only
 * if the file is missing or its first line is empty. Keras also adds the {@code val_} metric
 * names the model is expected to produce; here the columns are exactly the first epoch's keys.
 *
 * <p>Arguments: {@code filename} (required), {@code separator} = ",", {@code append} = false.
 * The file is written through {@code java.nio.file}, so any {@link Path} works.
 *
 * <pre>{@code
 * model.fit(x, y, Fit.epochs(10).callbacks(new CSVLogger(Path.of("training.log"))));
 * }</pre>
 */
public class CSVLogger extends Callback {
    private final Path filename;
    private String separator = ",";
    private boolean append = false;

    private BufferedWriter writer;
    private List<String> keys;
    private boolean writeHeader;

    public CSVLogger(Path filename) {
        if (filename == null) {
            throw new IllegalArgumentException("CSVLogger: filename must be a path, received null");
        }
        this.filename = filename;
    }

    public CSVLogger(String filename) {
        this(Path.of(filename));
    }

    /** The field separator (one or more characters, not a quote or line break). */
    public CSVLogger separator(String separator) {
        if (separator == null || separator.isEmpty() || separator.contains("\"") || separator.contains("\n")
                || separator.contains("\r")) {
            throw new IllegalArgumentException("CSVLogger: separator must be a non-empty string without quotes or line "
                    + "breaks, received " + (separator == null ? null : "\"" + separator + "\""));
        }
        this.separator = separator;
        return this;
    }

    /** Whether to append to an existing file instead of overwriting it. */
    public CSVLogger append(boolean append) {
        this.append = append;
        return this;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        close();
        try {
            if (append) {
                writeHeader = !Files.exists(filename) || firstLineEmpty();
                writer = Files.newBufferedWriter(filename, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } else {
                writeHeader = true;
                writer = Files.newBufferedWriter(filename, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger: cannot open " + filename + " for writing", e);
        }
        keys = null;
    }

    private boolean firstLineEmpty() throws IOException {
        try (var r = Files.newBufferedReader(filename, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            return line == null || line.isEmpty();
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (writer == null) {
            throw new IllegalStateException("CSVLogger: onEpochEnd(" + epoch + ") called before onTrainBegin opened "
                    + filename);
        }
        Map<String, Double> l = logs == null ? Map.of() : logs;
        try {
            if (keys == null) {
                keys = new ArrayList<>(l.keySet());
                Collections.sort(keys);
                if (writeHeader) {
                    List<String> header = new ArrayList<>();
                    header.add("epoch");
                    header.addAll(keys);
                    writeRow(header);
                }
            }
            List<String> row = new ArrayList<>(keys.size() + 1);
            row.add(Integer.toString(epoch));
            for (String k : keys) {
                Double v = l.get(k);
                row.add(v == null ? "NA" : pythonRepr(v));
            }
            writeRow(row);
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger: cannot write epoch " + epoch + " to " + filename, e);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        close();
    }

    private void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("CSVLogger: cannot close " + filename, e);
            } finally {
                writer = null;
            }
        }
    }

    private void writeRow(List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                writer.write(separator);
            }
            writer.write(quote(fields.get(i)));
        }
        writer.write("\r\n");
    }

    /** Python csv's QUOTE_MINIMAL: quotes a field holding the separator, a quote or a line break. */
    private String quote(String field) {
        if (field.contains(separator) || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    /**
     * A double as Python's {@code repr}: the digits of {@link Double#toString(double)} (the
     * shortest that read back to the same double, as Python's, for all but rare doubles on Java
     * 17), positional for decimal exponents -4 to 15, otherwise scientific with a signed two-digit
     * exponent ("1e-05", "1.5e+16").
     */
    static String pythonRepr(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = d.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int e = Math.abs(exp);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }

    /** The configuration, with Keras 3's argument names; {@code Registry.create(Kind.CALLBACK, "CSVLogger", ...)} reads it back. */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("filename", filename.toString());
        c.put("separator", separator);
        c.put("append", append);
        return c;
    }
}
