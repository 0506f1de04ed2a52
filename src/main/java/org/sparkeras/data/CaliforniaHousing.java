package org.sparkeras.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkeras.backend.Engine;

/**
 * The California housing data set (Pace and Barry, 1990 census, one row per block group) in the
 * form of scikit-learn's {@code fetch_california_housing}, the regression data of the neural-network
 * chapters of <i>Hands-On Machine Learning</i>: 20,640 samples of the 8 features {@link
 * #FEATURE_NAMES} and the target {@value #TARGET_NAME}, the median house value in units of
 * US$100,000 (capped at 5.00001).
 *
 * <p>{@link #load} reads the StatLib file {@value #FILE_NAME} (gzip-compressed or not: gzip is
 * recognised by its first two bytes), whose lines hold 9 comma-separated numbers, {@link
 * #FILE_COLUMNS}. The features are derived from them as scikit-learn derives them:
 *
 * <pre>
 * MedInc    = medianIncome                 Population = population
 * HouseAge  = housingMedianAge             AveOccup   = population / households
 * AveRooms  = totalRooms / households      Latitude   = latitude
 * AveBedrms = totalBedrooms / households   Longitude  = longitude
 * target MedHouseVal = medianHouseValue / 100000
 * </pre>
 *
 * Values are computed in double and stored as float. Every line is checked: 9 fields, each a
 * finite decimal number, {@code households} positive; the first bad line stops the read with its
 * file, line number and what was found. The project bundles the file in {@code
 * data/california_housing} (provenance in {@code data/README.md}).
 *
 * <p>{@link #split} cuts the samples into training, validation and test parts as the book does with
 * two calls of scikit-learn's {@code train_test_split} at its default 25%, and {@link #columns}
 * selects feature columns, for example the two inputs of a Wide &amp; Deep model.
 *
 * <pre>{@code
 * CaliforniaHousing housing = CaliforniaHousing.load(Path.of("data/california_housing/cal_housing.data.gz"));
 * CaliforniaHousing.Splits s = CaliforniaHousing.split(housing.features(), housing.target(), 42);
 * StandardScaler scaler = new StandardScaler().fit(s.xTrain());
 * INDArray xTrain = scaler.transform(s.xTrain());                 // [11610, 8]
 * INDArray xValid = scaler.transform(s.xValid());                 // [3870, 8], training statistics
 * INDArray wide = CaliforniaHousing.columns(xTrain, 0, 5);        // MedInc ... Population
 * INDArray deep = CaliforniaHousing.columns(xTrain, 2, 8);        // AveRooms ... Longitude
 * }</pre>
 */
public final class CaliforniaHousing {
    /** The name of the StatLib file as bundled. */
    public static final String FILE_NAME = "cal_housing.data.gz";
    /** The 9 columns of a line of the StatLib file, in file order (names of {@code cal_housing.domain}). */
    public static final List<String> FILE_COLUMNS = List.of("longitude", "latitude", "housingMedianAge",
            "totalRooms", "totalBedrooms", "population", "households", "medianIncome", "medianHouseValue");
    /** The 8 feature columns, in order, as scikit-learn names them. */
    public static final List<String> FEATURE_NAMES = List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms",
            "Population", "AveOccup", "Latitude", "Longitude");
    public static final String TARGET_NAME = "MedHouseVal";
    /** scikit-learn's {@code train_test_split} default, used for both cuts of {@link #split}. */
    public static final double TEST_FRACTION = 0.25;
    /** The share of the non-test samples that {@link #split} holds out for validation. */
    public static final double VALIDATION_FRACTION = 0.25;

    private static final int FIELDS = 9;
    private static final int LONGITUDE = 0;
    private static final int LATITUDE = 1;
    private static final int HOUSING_MEDIAN_AGE = 2;
    private static final int TOTAL_ROOMS = 3;
    private static final int TOTAL_BEDROOMS = 4;
    private static final int POPULATION = 5;
    private static final int HOUSEHOLDS = 6;
    private static final int MEDIAN_INCOME = 7;
    private static final int MEDIAN_HOUSE_VALUE = 8;
    private static final double TARGET_UNIT = 100_000.0;
    // Plain decimals only: Double.parseDouble would also take "NaN", "Infinity", "0x1p3" and "1d".
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final int MAX_QUOTED = 120;

    private final INDArray features;
    private final INDArray target;

    private CaliforniaHousing(INDArray features, INDArray target) {
        this.features = features;
        this.target = target;
    }

    /**
     * The three parts of {@link #split}, each a new array; features and target of a part are aligned
     * row by row.
     */
    public record Splits(INDArray xTrain, INDArray yTrain, INDArray xValid, INDArray yValid, INDArray xTest,
            INDArray yTest) {}

    /**
     * Reads every line of the StatLib file and derives the features and the target.
     *
     * @throws IOException when the file is missing, corrupt, empty, or has a line that is not 9
     *     numbers or whose {@code households} is not positive; the message names the file, the line
     *     number, the field and what was found
     */
    public static CaliforniaHousing load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("California housing file not found: expected the StatLib file (" + FILE_NAME
                    + ", 9 comma-separated numbers per line), found " + (Files.exists(file) ? "a directory" : "nothing")
                    + " at " + file);
        }
        int capacity = 20_640;
        float[] x = new float[capacity * FEATURE_NAMES.size()];
        float[] y = new float[capacity];
        int rows = 0;
        double[] v = new double[FIELDS];
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                parse(file, lineNumber, line, v);
                if (rows == capacity) {
                    capacity *= 2;
                    x = Arrays.copyOf(x, capacity * FEATURE_NAMES.size());
                    y = Arrays.copyOf(y, capacity);
                }
                double households = v[HOUSEHOLDS];
                int o = rows * FEATURE_NAMES.size();
                x[o] = (float) v[MEDIAN_INCOME];
                x[o + 1] = (float) v[HOUSING_MEDIAN_AGE];
                x[o + 2] = (float) (v[TOTAL_ROOMS] / households);
                x[o + 3] = (float) (v[TOTAL_BEDROOMS] / households);
                x[o + 4] = (float) v[POPULATION];
                x[o + 5] = (float) (v[POPULATION] / households);
                x[o + 6] = (float) v[LATITUDE];
                x[o + 7] = (float) v[LONGITUDE];
                y[rows] = (float) (v[MEDIAN_HOUSE_VALUE] / TARGET_UNIT);
                rows++;
            }
        } catch (EOFException | ZipException e) {
            throw new IOException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        }
        if (rows == 0) {
            throw new IOException(file + ": expected at least one line of 9 comma-separated numbers, found an empty"
                    + " file");
        }
        Engine.init();
        INDArray features = Nd4j.create(Arrays.copyOf(x, rows * FEATURE_NAMES.size()),
                new long[] {rows, FEATURE_NAMES.size()}, DataType.FLOAT);
        INDArray target = Nd4j.create(Arrays.copyOf(y, rows), new long[] {rows, 1}, DataType.FLOAT);
        return new CaliforniaHousing(features, target);
    }

    /** The features, FLOAT {@code [n, 8]} in the order of {@link #FEATURE_NAMES}. */
    public INDArray features() {
        return features;
    }

    /** The target {@value #TARGET_NAME}, FLOAT {@code [n, 1]}, in units of US$100,000. */
    public INDArray target() {
        return target;
    }

    /**
     * The book's split: first {@link #TEST_FRACTION} of all samples are held out for testing, then
     * {@link #VALIDATION_FRACTION} of the rest for validation; the remainder trains. Each cut rounds
     * as scikit-learn's {@code train_test_split} does, the held-out part getting {@code
     * ceil(fraction * n)} samples, so 20,640 samples give 5,160 test, 3,870 validation and 11,610
     * training samples. Both cuts are {@link Split#holdOut} with {@code seed} (the book passes the
     * same {@code random_state} to both calls): the same seed gives the same parts, every part comes
     * shuffled, and every sample lands in exactly one part.
     *
     * @param features the samples along the first dimension
     * @param target as many samples as {@code features}
     * @throws IllegalArgumentException when the sample counts differ or fewer than 3 samples are given
     */
    public static Splits split(INDArray features, INDArray target, long seed) {
        if (features == null || target == null) {
            throw new IllegalArgumentException("CaliforniaHousing.split: features and target must not be null, received "
                    + (features == null ? "null" : "an array") + " and " + (target == null ? "null" : "an array"));
        }
        if (features.rank() < 1 || target.rank() < 1 || features.size(0) != target.size(0)) {
            throw new IllegalArgumentException(String.format("CaliforniaHousing.split: features and target must hold"
                    + " the same number of samples along their first dimension, received shapes %s and %s",
                    Arrays.toString(features.shape()), Arrays.toString(target.shape())));
        }
        long n = features.size(0);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("CaliforniaHousing.split: at most " + Integer.MAX_VALUE
                    + " samples, received " + n);
        }
        int testCount = heldOutCount((int) n, TEST_FRACTION);
        int rest = (int) n - testCount;
        int validationCount = heldOutCount(rest, VALIDATION_FRACTION);
        if (testCount >= n || validationCount >= rest) {
            throw new IllegalArgumentException(String.format("CaliforniaHousing.split: %d samples are not enough for"
                    + " three parts: test %d, validation %d, training %d; at least 3 samples are needed", n,
                    testCount, Math.min(validationCount, rest), Math.max(rest - validationCount, 0)));
        }
        Split first = Split.holdOut(List.of(features, target), testCount, seed);
        Split second = Split.holdOut(first.train(), validationCount, seed);
        return new Splits(second.train().get(0), second.train().get(1), second.validation().get(0),
                second.validation().get(1), first.validation().get(0), first.validation().get(1));
    }

    /**
     * Columns {@code from} (inclusive) to {@code toExclusive} of a matrix {@code [n, features]} as a
     * new contiguous array {@code [n, toExclusive - from]} of the same data type, for example columns
     * 0-4 for the wide and 2-7 for the deep input of a Wide &amp; Deep model.
     */
    public static INDArray columns(INDArray x, int from, int toExclusive) {
        if (x == null || x.rank() != 2) {
            throw new IllegalArgumentException("CaliforniaHousing.columns: expected a matrix [samples, features],"
                    + " received " + (x == null ? "null" : "shape " + Arrays.toString(x.shape())));
        }
        long cols = x.size(1);
        if (from < 0 || toExclusive > cols || from >= toExclusive) {
            throw new IllegalArgumentException(String.format("CaliforniaHousing.columns: expected 0 <= from <"
                    + " toExclusive <= %d (the column count of shape %s), received from %d, toExclusive %d", cols,
                    Arrays.toString(x.shape()), from, toExclusive));
        }
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(from, toExclusive)).dup('c');
    }

    // scikit-learn's train_test_split: n_test = ceil(test_size * n_samples), n_train = the rest.
    private static int heldOutCount(int n, double fraction) {
        return (int) Math.ceil(fraction * n);
    }

    private static void parse(Path file, int lineNumber, String line, double[] v) throws IOException {
        String[] fields = line.split(",", -1);
        if (fields.length != FIELDS) {
            throw new IOException(String.format("%s: line %d: expected %d comma-separated numbers (%s), found %s: %s",
                    file, lineNumber, FIELDS, String.join(", ", FILE_COLUMNS),
                    line.isBlank() ? "an empty line" : fields.length + (fields.length == 1 ? " field" : " fields"),
                    quote(line)));
        }
        for (int i = 0; i < FIELDS; i++) {
            String field = fields[i].strip();
            double value = NUMBER.matcher(field).matches() ? Double.parseDouble(field) : Double.NaN;
            if (!Double.isFinite(value)) {
                throw new IOException(String.format("%s: line %d, field %d (%s): expected a finite number, found %s",
                        file, lineNumber, i + 1, FILE_COLUMNS.get(i), quote(fields[i])));
            }
            v[i] = value;
        }
        if (!(v[HOUSEHOLDS] > 0)) {
            throw new IOException(String.format("%s: line %d, field %d (households): expected a positive number (it"
                    + " divides totalRooms, totalBedrooms and population), found %s", file, lineNumber,
                    HOUSEHOLDS + 1, fields[HOUSEHOLDS].strip()));
        }
    }

    private static String quote(String s) {
        return s.length() <= MAX_QUOTED ? "\"" + s + "\"" : "\"" + s.substring(0, MAX_QUOTED) + "...\" ("
                + s.length() + " characters)";
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
