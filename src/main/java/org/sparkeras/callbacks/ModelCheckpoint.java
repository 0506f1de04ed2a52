package org.sparkeras.callbacks;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the model (or its weights) at the end of every epoch, as Keras 3's {@code ModelCheckpoint}.
 *
 * <p>Arguments: {@code filepath} (required), {@code monitor} = "val_loss", {@code verbose} = 0 (1
 * prints a line per save or skipped save to standard output), {@code save_best_only} = false,
 * {@code save_weights_only} = false, {@code mode} = "auto" ("min", "max" or "auto"),
 * {@code save_freq} = "epoch" (the only frequency supported; Keras's integer batch frequency is not),
 * {@code initial_value_threshold} = null.
 *
 * <p>The file path is formatted like Python's {@code filepath.format(epoch=epoch + 1, **logs)}:
 * {@code {epoch}} is the 1-based epoch, and any log key can be used, e.g.
 * {@code "ckpt/model-{epoch:02d}-{val_loss:.2f}.keras"}. The format spec supports the subset
 * {@code [0][width][.precision][d|f]}: zero padding, a minimum width, a precision and the types
 * {@code d} (integers only, so for {@code epoch}; as in Python, a float log value refuses it) and
 * {@code f}; without a spec a log value is written as Python's {@code str(float)} ({@code 0.5},
 * {@code 1e-05}). {@code {{} and {@code }}} are literal braces. A key missing from the logs fails, as
 * Keras's KeyError does.
 *
 * <p>A full save goes through {@code model.save(path, true)} (the model archive: config, weights,
 * compile settings and optimizer state), a weights-only save through {@code model.saveWeights(path)}
 * (a safetensors file that {@code loadWeights} reads). Existing files are replaced.
 *
 * <p>With {@code save_best_only} the model is written only when the monitored value improves on
 * the best so far (strictly, no min_delta), starting from {@code initial_value_threshold} or
 * +/-infinity. The best value is kept across fits, as in Keras. A monitored key missing from the
 * epoch logs logs an SLF4J warning listing the available keys and nothing is written, as Keras
 * warns. A model whose epoch {@code loss} is NaN or infinite is never written (an SLF4J warning says
 * so), so a diverged run does not overwrite a good checkpoint.
 *
 * <p>Mode "auto" follows Keras's ModelCheckpoint: maximize when the monitored name contains
 * {@code "acc"} or starts with {@code "fmeasure"}, minimize otherwise. Unlike Keras, which warns
 * and falls back to "auto", an unknown mode is refused.
 *
 * <pre>{@code
 * model.fit(x, y, Fit.epochs(10).validationSplit(0.2).callbacks(
 *         new ModelCheckpoint("ckpt/best-{epoch:02d}.keras").saveBestOnly(true)));
 * }</pre>
 */
public class ModelCheckpoint extends Callback {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);

    private final String filepath;
    private String monitor = "val_loss";
    private int verbose = 0;
    private boolean saveBestOnly = false;
    private boolean saveWeightsOnly = false;
    private String mode = "auto";
    private Double initialValueThreshold = null;

    private Boolean maximize;
    private double best = Double.NaN;

    public ModelCheckpoint(String filepath) {
        if (filepath == null || filepath.isEmpty()) {
            throw new IllegalArgumentException("ModelCheckpoint: filepath must be a non-empty path, received "
                    + (filepath == null ? null : "\"\""));
        }
        checkTemplate(filepath);
        this.filepath = filepath;
    }

    /** The log key to watch with {@code save_best_only} ("val_loss", "accuracy", ...). */
    public ModelCheckpoint monitor(String monitor) {
        if (monitor == null || monitor.isEmpty()) {
            throw new IllegalArgumentException("ModelCheckpoint: monitor must be a non-empty log key, received " + monitor);
        }
        this.monitor = monitor;
        this.maximize = null;
        this.best = Double.NaN;
        return this;
    }

    /** 0: silent; 1: prints a line for each save and each epoch without improvement. */
    public ModelCheckpoint verbose(int verbose) {
        if (verbose < 0) {
            throw new IllegalArgumentException("ModelCheckpoint: verbose must be >= 0, received " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    /** Whether to write only when the monitored value improves. */
    public ModelCheckpoint saveBestOnly(boolean saveBestOnly) {
        this.saveBestOnly = saveBestOnly;
        return this;
    }

    /** Whether to write only the weights (safetensors, read by {@code loadWeights}) instead of the archive. */
    public ModelCheckpoint saveWeightsOnly(boolean saveWeightsOnly) {
        this.saveWeightsOnly = saveWeightsOnly;
        return this;
    }

    /** "min", "max" or "auto" (decided from the monitored name). */
    public ModelCheckpoint mode(String mode) {
        if (!"auto".equals(mode) && !"min".equals(mode) && !"max".equals(mode)) {
            throw new IllegalArgumentException("ModelCheckpoint: mode must be one of \"auto\", \"min\", \"max\", received "
                    + (mode == null ? null : "\"" + mode + "\""));
        }
        this.mode = mode;
        this.maximize = null;
        this.best = Double.NaN;
        return this;
    }

    /** Only "epoch" is supported. */
    public ModelCheckpoint saveFreq(String saveFreq) {
        if (!"epoch".equals(saveFreq)) {
            throw new IllegalArgumentException("ModelCheckpoint: save_freq must be \"epoch\" (saving every N batches is "
                    + "not supported), received " + (saveFreq == null ? null : "\"" + saveFreq + "\""));
        }
        return this;
    }

    /** The value the monitored quantity must beat for the first save with {@code save_best_only}; null for none. */
    public ModelCheckpoint initialValueThreshold(Double threshold) {
        this.initialValueThreshold = threshold;
        this.best = Double.NaN;
        return this;
    }

    /** The best monitored value so far: NaN before the first epoch end, then the threshold or +/-infinity. */
    public double best() {
        return best;
    }

    /** The path written for {@code epoch} (0-based) with these logs. */
    public String filePath(int epoch, Map<String, Double> logs) {
        return format(filepath, epoch, logs);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (maximize == null) {
            maximize = mode.equals("max") || (mode.equals("auto")
                    && (monitor.contains("acc") || monitor.startsWith("fmeasure")));
        }
        if (Double.isNaN(best)) {
            best = initialValueThreshold != null ? initialValueThreshold
                    : maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        Map<String, Double> l = logs == null ? Map.of() : logs;
        Double loss = l.get("loss");
        if (loss != null && !Double.isFinite(loss)) {
            LOG.warn("Epoch {}: loss is {}, the model is not saved", epoch + 1, loss);
            return;
        }
        String path = format(filepath, epoch, l);
        if (!saveBestOnly) {
            if (verbose > 0) {
                System.out.println("\nEpoch " + (epoch + 1) + ": saving model to " + path);
            }
            write(path);
            return;
        }
        Double current = l.get(monitor);
        if (current == null) {
            LOG.warn("Can save best model only with {} available, skipping. Available metrics are: {}", monitor,
                    String.join(",", l.keySet()));
            return;
        }
        if (maximize ? current > best : current < best) {
            if (verbose > 0) {
                System.out.println("\nEpoch " + (epoch + 1) + ": " + monitor + " improved from " + python(best) + " to "
                        + python(current) + ", saving model to " + path);
            }
            best = current;
            write(path);
        } else if (verbose > 0) {
            System.out.println("\nEpoch " + (epoch + 1) + ": " + monitor + " did not improve from " + python(best));
        }
    }

    private void write(String path) {
        if (saveWeightsOnly) {
            model.saveWeights(path);
        } else {
            model.save(path, true);
        }
    }

    // ---------------------------------------------------------------- file path templates

    /** Checks the braces and specs of a template once, so a bad one fails at construction. */
    private static void checkTemplate(String template) {
        int i = 0;
        while (i < template.length()) {
            char ch = template.charAt(i);
            if (ch == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                i += 2;
            } else if (ch == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                i += 2;
            } else if (ch == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw badTemplate(template, "unmatched '{'");
                }
                String field = template.substring(i + 1, end);
                int colon = field.indexOf(':');
                String key = colon < 0 ? field : field.substring(0, colon);
                if (key.isEmpty() || key.contains("{")) {
                    throw badTemplate(template, "a field needs a key, as in {epoch} or {val_loss:.2f}");
                }
                if (colon >= 0) {
                    Spec.parse(field.substring(colon + 1), template);
                }
                i = end + 1;
            } else if (ch == '}') {
                throw badTemplate(template, "single '}' encountered");
            } else {
                i++;
            }
        }
    }

    static String format(String template, int epoch, Map<String, Double> logs) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char ch = template.charAt(i);
            if ((ch == '{' || ch == '}') && i + 1 < template.length() && template.charAt(i + 1) == ch) {
                out.append(ch);
                i += 2;
            } else if (ch == '{') {
                int end = template.indexOf('}', i);
                String field = template.substring(i + 1, end);
                int colon = field.indexOf(':');
                String key = colon < 0 ? field : field.substring(0, colon);
                Spec spec = colon < 0 ? null : Spec.parse(field.substring(colon + 1), template);
                if (key.equals("epoch")) {
                    out.append(spec == null ? Integer.toString(epoch + 1) : spec.format(epoch + 1, true, template));
                } else {
                    Double v = logs.get(key);
                    if (v == null) {
                        throw badTemplate(template, "no log value named '" + key + "'; available: epoch"
                                + (logs.isEmpty() ? "" : ", " + String.join(", ", logs.keySet())));
                    }
                    out.append(spec == null ? python(v) : spec.format(v, false, template));
                }
                i = end + 1;
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    private static IllegalArgumentException badTemplate(String template, String reason) {
        return new IllegalArgumentException("Failed to format this callback filepath: \"" + template + "\". Reason: "
                + reason);
    }

    /** Python's {@code str(float)}: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
    static String python(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e16) {
            String s = d.toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
    }

    /** The supported subset of Python's format spec: {@code [0][width][.precision][d|f]}. */
    private record Spec(boolean zero, int width, int precision, char type) {
        static Spec parse(String s, String template) {
            if (!s.matches("0?\\d*(\\.\\d+)?[df]?")) {
                throw badTemplate(template, "unsupported format spec '" + s + "' (supported: [0][width][.precision][d|f])");
            }
            int i = 0;
            boolean zero = false;
            if (s.length() > 1 && s.charAt(0) == '0') {
                zero = true;
                i = 1;
            } else if (s.equals("0")) {
                zero = true;
                i = 1;
            }
            int j = i;
            while (j < s.length() && Character.isDigit(s.charAt(j))) {
                j++;
            }
            int width = j > i ? Integer.parseInt(s.substring(i, j)) : 0;
            int precision = -1;
            if (j < s.length() && s.charAt(j) == '.') {
                int k = j + 1;
                while (k < s.length() && Character.isDigit(s.charAt(k))) {
                    k++;
                }
                precision = Integer.parseInt(s.substring(j + 1, k));
                j = k;
            }
            char type = j < s.length() ? s.charAt(j) : 0;
            if (type == 'd' && precision >= 0) {
                throw badTemplate(template, "precision not allowed in integer format specifier '" + s + "'");
            }
            return new Spec(zero, width, precision, type);
        }

        String format(double v, boolean integer, String template) {
            String body;
            if (type == 'd') {
                if (!integer) {
                    throw badTemplate(template, "unknown format code 'd' for a float log value (" + python(v)
                            + "); use 'f', e.g. {key:.2f}");
                }
                body = Long.toString(Math.abs((long) v));
            } else if (type == 'f' || precision >= 0) {
                // Python's general format (".2" without a type) is not in the subset.
                if (type != 'f') {
                    throw badTemplate(template, "a precision needs the type 'f', e.g. {key:.2f}");
                }
                if (Double.isNaN(v)) {
                    body = "nan";
                } else if (Double.isInfinite(v)) {
                    body = "inf";
                } else {
                    body = new BigDecimal(Math.abs(v)).setScale(precision < 0 ? 6 : precision,
                            java.math.RoundingMode.HALF_EVEN).toPlainString();
                }
            } else {
                body = integer ? Long.toString(Math.abs((long) v)) : python(Math.abs(v));
            }
            boolean negative = v < 0 || (v == 0 && 1 / v < 0 && !integer);
            String sign = negative ? "-" : "";
            int pad = width - sign.length() - body.length();
            if (pad <= 0) {
                return sign + body;
            }
            if (zero) {
                return sign + "0".repeat(pad) + body;
            }
            // Python right-aligns numbers with spaces.
            return " ".repeat(pad) + sign + body;
        }
    }

    /** The configuration, with Keras 3's argument names; {@code Registry.create(Kind.CALLBACK, "ModelCheckpoint", ...)} reads it back. */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("filepath", filepath);
        c.put("monitor", monitor);
        c.put("verbose", verbose);
        c.put("save_best_only", saveBestOnly);
        c.put("save_weights_only", saveWeightsOnly);
        c.put("mode", mode);
        c.put("save_freq", "epoch");
        c.put("initial_value_threshold", initialValueThreshold);
        return c;
    }
}
