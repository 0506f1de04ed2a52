package org.sparkeras.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CaliforniaHousingTest {
    /** The bundled file; surefire runs in the project directory. */
    static final Path BUNDLED = Path.of("data", "california_housing", CaliforniaHousing.FILE_NAME);

    private static final String COLUMNS_TEXT = "longitude, latitude, housingMedianAge, totalRooms, totalBedrooms,"
            + " population, households, medianIncome, medianHouseValue";
    private static final String FIRST_LINE =
            "-122.230000,37.880000,41.000000,880.000000,129.000000,322.000000,126.000000,8.325200,452600.000000";

    private static CaliforniaHousing housing;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadBundled() throws IOException {
        housing = CaliforniaHousing.load(BUNDLED);
    }

    // ---- the real bundled file ----

    @Test
    void bundledFileHasAllRowsAsFloatFeaturesAndTarget() {
        INDArray x = housing.features();
        INDArray y = housing.target();

        assertEquals(DataType.FLOAT, x.dataType());
        assertEquals(DataType.FLOAT, y.dataType());
        assertArrayEquals(new long[] {20640, 8}, x.shape());
        assertArrayEquals(new long[] {20640, 1}, y.shape());
        assertEquals(List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude",
                "Longitude"), CaliforniaHousing.FEATURE_NAMES);
    }

    @Test
    void firstAndLastRowsHoldTheFeaturesDerivedFromTheirLines() {
        // python3 from line 1: -122.23,37.88,41,880,129,322,126,8.3252,452600
        // (880/126, 129/126 and 322/126 computed in double, then rounded to float)
        assertArrayEquals(new float[] {(float) 8.3252, 41f, (float) 6.984126984126984, (float) 1.0238095238095237,
                322f, (float) 2.5555555555555554, (float) 37.88, (float) -122.23}, row(housing.features(), 0));
        assertEquals((float) 4.526, housing.target().getFloat(0, 0));
        // line 20640: -121.24,39.37,16,2785,616,1387,530,2.3886,89400
        assertArrayEquals(new float[] {(float) 2.3886, 16f, (float) 5.254716981132075, (float) 1.1622641509433962,
                1387f, (float) 2.616981132075472, (float) 39.37, (float) -121.24}, row(housing.features(), 20639));
        assertEquals((float) 0.894, housing.target().getFloat(20639, 0));
    }

    @Test
    void targetSpansTheCappedRangeAndColumnMeansMatchPython() {
        float[] y = housing.target().data().asFloat();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        double sum = 0;
        for (float v : y) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertEquals((float) 0.14999, min);
        assertEquals((float) 5.00001, max);
        assertEquals(2.0685581691324884, sum / y.length, 1e-9);
        // Column means of all 20,640 rows, from python3 over the same float-rounded values
        // (scikit-learn's documented means: MedInc 3.870671, AveRooms 5.429000, ...).
        double[] expected = {3.8706710030346416, 28.639486434108527, 5.428999742082962, 1.0966751499462497,
                1425.4767441860465, 3.0706551620260227, 35.63186143109965, -119.56970444871473};
        double[] means = columnMeans(housing.features());
        for (int j = 0; j < 8; j++) {
            assertEquals(expected[j], means[j], 1e-9 * Math.abs(expected[j]), CaliforniaHousing.FEATURE_NAMES.get(j));
        }
    }

    @Test
    void splitGivesTheBookSizesAndEverySampleExactlyOnce() {
        CaliforniaHousing.Splits s = CaliforniaHousing.split(housing.features(), housing.target(), 42);

        // 20640: test ceil(0.25 * 20640) = 5160; rest 15480: validation ceil(0.25 * 15480) = 3870; train 11610.
        assertArrayEquals(new long[] {11610, 8}, s.xTrain().shape());
        assertArrayEquals(new long[] {11610, 1}, s.yTrain().shape());
        assertArrayEquals(new long[] {3870, 8}, s.xValid().shape());
        assertArrayEquals(new long[] {3870, 1}, s.yValid().shape());
        assertArrayEquals(new long[] {5160, 8}, s.xTest().shape());
        assertArrayEquals(new long[] {5160, 1}, s.yTest().shape());
        assertEquals(DataType.FLOAT, s.xTrain().dataType());
        assertEquals(DataType.FLOAT, s.yTest().dataType());

        // Whole rows (8 features and the target) of the three parts are the rows of the data set,
        // each exactly once: nothing lost, duplicated or misaligned between features and target.
        List<String> parts = new ArrayList<>();
        parts.addAll(rowKeys(s.xTrain(), s.yTrain()));
        parts.addAll(rowKeys(s.xValid(), s.yValid()));
        parts.addAll(rowKeys(s.xTest(), s.yTest()));
        List<String> all = rowKeys(housing.features(), housing.target());
        Collections.sort(parts);
        Collections.sort(all);
        assertEquals(all, parts);

        float[] sorted = concat(s.yTrain(), s.yValid(), s.yTest());
        float[] original = housing.target().data().asFloat();
        Arrays.sort(sorted);
        Arrays.sort(original);
        assertArrayEquals(original, sorted);
    }

    @Test
    void splitIsDeterminedByTheSeed() {
        CaliforniaHousing.Splits a = CaliforniaHousing.split(housing.features(), housing.target(), 42);
        CaliforniaHousing.Splits b = CaliforniaHousing.split(housing.features(), housing.target(), 42);
        CaliforniaHousing.Splits c = CaliforniaHousing.split(housing.features(), housing.target(), 43);

        assertArrayEquals(a.xTrain().data().asFloat(), b.xTrain().data().asFloat());
        assertArrayEquals(a.yTrain().data().asFloat(), b.yTrain().data().asFloat());
        assertArrayEquals(a.xValid().data().asFloat(), b.xValid().data().asFloat());
        assertArrayEquals(a.yValid().data().asFloat(), b.yValid().data().asFloat());
        assertArrayEquals(a.xTest().data().asFloat(), b.xTest().data().asFloat());
        assertArrayEquals(a.yTest().data().asFloat(), b.yTest().data().asFloat());
        assertFalse(Arrays.equals(a.yTest().data().asFloat(), c.yTest().data().asFloat()));
        assertFalse(Arrays.equals(a.yValid().data().asFloat(), c.yValid().data().asFloat()));
        // Shuffled, not the file order.
        assertFalse(Arrays.equals(Arrays.copyOf(housing.target().data().asFloat(), 5160), a.yTest().data().asFloat()));
    }

    // ---- split rounding on small arrays ----

    @Test
    void splitRoundsTheHeldOutPartsUpAsScikitLearn() {
        // 10: test ceil(2.5) = 3; rest 7: validation ceil(1.75) = 2; train 5.
        CaliforniaHousing.Splits ten = CaliforniaHousing.split(ramp(10, 8), ramp(10, 1), 1);
        assertEquals(5, ten.xTrain().size(0));
        assertEquals(2, ten.xValid().size(0));
        assertEquals(3, ten.xTest().size(0));
        // 3: test ceil(0.75) = 1; rest 2: validation ceil(0.5) = 1; train 1.
        CaliforniaHousing.Splits three = CaliforniaHousing.split(ramp(3, 8), ramp(3, 1), 1);
        assertEquals(1, three.yTrain().size(0));
        assertEquals(1, three.yValid().size(0));
        assertEquals(1, three.yTest().size(0));
    }

    @Test
    void splitRefusesTooFewSamplesAndMisalignedArrays() {
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> CaliforniaHousing.split(ramp(2, 8), ramp(2, 1), 1));
        assertEquals("CaliforniaHousing.split: 2 samples are not enough for three parts: test 1, validation 1,"
                + " training 0; at least 3 samples are needed", few.getMessage());

        IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                () -> CaliforniaHousing.split(ramp(10, 8), ramp(9, 1), 1));
        assertEquals("CaliforniaHousing.split: features and target must hold the same number of samples along"
                + " their first dimension, received shapes [10, 8] and [9, 1]", misaligned.getMessage());
    }

    // ---- columns ----

    @Test
    void columnsReturnsAContiguousCopyOfTheWideAndDeepInputs() {
        INDArray x = ramp(3, 8); // element (i, j) = 10 i + j
        INDArray wide = CaliforniaHousing.columns(x, 0, 5);
        INDArray deep = CaliforniaHousing.columns(x, 2, 8);

        assertArrayEquals(new long[] {3, 5}, wide.shape());
        assertArrayEquals(new long[] {3, 6}, deep.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24}, wide.data().asFloat());
        assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 16, 17, 22, 23, 24, 25, 26, 27},
                deep.data().asFloat());
        assertFalse(deep.isView());
        assertEquals('c', deep.ordering());
        assertEquals(DataType.FLOAT, deep.dataType());
        deep.putScalar(0, 0, -1f);
        assertEquals(2f, x.getFloat(0, 2));
    }

    @Test
    void columnsRefusesARangeOutsideTheMatrix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CaliforniaHousing.columns(ramp(3, 8), 2, 9));
        assertEquals("CaliforniaHousing.columns: expected 0 <= from < toExclusive <= 8 (the column count of shape"
                + " [3, 8]), received from 2, toExclusive 9", e.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> CaliforniaHousing.columns(ramp(3, 8), 4, 4));
        assertEquals("CaliforniaHousing.columns: expected 0 <= from < toExclusive <= 8 (the column count of shape"
                + " [3, 8]), received from 4, toExclusive 4", empty.getMessage());
    }

    // ---- synthetic files ----

    @Test
    void readsGzipAndPlainFilesAlike() throws IOException {
        String text = FIRST_LINE + "\n-121.240000,39.370000,16,2785,616,1387,530,2.3886,89400\n";
        Path gz = gzip(dir.resolve("two.data.gz"), text);
        Path plain = Files.writeString(dir.resolve("two.data"), text, StandardCharsets.US_ASCII);

        for (Path file : new Path[] {gz, plain}) {
            CaliforniaHousing h = CaliforniaHousing.load(file);
            assertArrayEquals(new long[] {2, 8}, h.features().shape());
            assertArrayEquals(new long[] {2, 1}, h.target().shape());
            assertArrayEquals(row(housing.features(), 0), row(h.features(), 0));
            assertArrayEquals(row(housing.features(), 20639), row(h.features(), 1));
            assertArrayEquals(new float[] {(float) 4.526, (float) 0.894}, h.target().data().asFloat());
        }
    }

    @Test
    void lineWithTooFewFieldsNamesFileLineAndCount() throws IOException {
        String bad = "-122.22,37.86,21,7099,1106,2401,1138,8.3014";
        Path file = gzip(dir.resolve("short.data.gz"), FIRST_LINE + "\n" + bad + "\n" + FIRST_LINE + "\n");

        IOException e = assertThrows(IOException.class, () -> CaliforniaHousing.load(file));

        assertEquals(file + ": line 2: expected 9 comma-separated numbers (" + COLUMNS_TEXT + "), found 8 fields: \""
                + bad + "\"", e.getMessage());
    }

    @Test
    void emptyLineIsReportedAsSuch() throws IOException {
        Path file = gzip(dir.resolve("blank.data.gz"), FIRST_LINE + "\n\n" + FIRST_LINE + "\n");

        IOException e = assertThrows(IOException.class, () -> CaliforniaHousing.load(file));

        assertEquals(file + ": line 2: expected 9 comma-separated numbers (" + COLUMNS_TEXT + "), found an empty"
                + " line: \"\"", e.getMessage());
    }

    @Test
    void fieldThatIsNotANumberNamesFileLineFieldAndValue() throws IOException {
        Path file = gzip(dir.resolve("text.data.gz"),
                FIRST_LINE + "\n" + FIRST_LINE + "\n-122.24,37.85,52,abc,190,496,177,7.2574,352100\n");

        IOException e = assertThrows(IOException.class, () -> CaliforniaHousing.load(file));

        assertEquals(file + ": line 3, field 4 (totalRooms): expected a finite number, found \"abc\"", e.getMessage());
    }

    @Test
    void nanAndEmptyFieldsAreRefused() throws IOException {
        Path nan = gzip(dir.resolve("nan.data.gz"), "-122.24,37.85,52,1467,NaN,496,177,7.2574,352100\n");
        Path empty = gzip(dir.resolve("empty.data.gz"), "-122.24,37.85,52,1467,,496,177,7.2574,352100\n");

        IOException e1 = assertThrows(IOException.class, () -> CaliforniaHousing.load(nan));
        IOException e2 = assertThrows(IOException.class, () -> CaliforniaHousing.load(empty));

        assertEquals(nan + ": line 1, field 5 (totalBedrooms): expected a finite number, found \"NaN\"",
                e1.getMessage());
        assertEquals(empty + ": line 1, field 5 (totalBedrooms): expected a finite number, found \"\"",
                e2.getMessage());
    }

    @Test
    void zeroHouseholdsNamesFileAndLine() throws IOException {
        Path file = gzip(dir.resolve("zero.data.gz"), FIRST_LINE + "\n"
                + "-122.220000,37.860000,21.000000,7099.000000,1106.000000,2401.000000,0.000000,8.301400,358500.000000\n");

        IOException e = assertThrows(IOException.class, () -> CaliforniaHousing.load(file));

        assertEquals(file + ": line 2, field 7 (households): expected a positive number (it divides totalRooms,"
                + " totalBedrooms and population), found 0.000000", e.getMessage());
    }

    @Test
    void emptyAndMissingFilesAreRefused() throws IOException {
        Path empty = gzip(dir.resolve("none.data.gz"), "");
        Path missing = dir.resolve("missing.data.gz");

        IOException e1 = assertThrows(IOException.class, () -> CaliforniaHousing.load(empty));
        IOException e2 = assertThrows(IOException.class, () -> CaliforniaHousing.load(missing));

        assertEquals(empty + ": expected at least one line of 9 comma-separated numbers, found an empty file",
                e1.getMessage());
        assertEquals("California housing file not found: expected the StatLib file (cal_housing.data.gz, 9"
                + " comma-separated numbers per line), found nothing at " + missing, e2.getMessage());
    }

    @Test
    void truncatedGzipNamesTheFile() throws IOException {
        byte[] whole = Files.readAllBytes(gzip(dir.resolve("whole.data.gz"), (FIRST_LINE + "\n").repeat(50)));
        Path cut = Files.write(dir.resolve("cut.data.gz"), Arrays.copyOf(whole, whole.length - 12));

        IOException e = assertThrows(IOException.class, () -> CaliforniaHousing.load(cut));

        assertEquals(cut + ": corrupt or truncated gzip data (Unexpected end of ZLIB input stream)", e.getMessage());
    }

    // ---- helpers ----

    static float[] row(INDArray x, int i) {
        float[] r = new float[(int) x.size(1)];
        for (int j = 0; j < r.length; j++) {
            r[j] = x.getFloat(i, j);
        }
        return r;
    }

    private static double[] columnMeans(INDArray x) {
        float[] v = x.data().asFloat();
        int cols = (int) x.size(1);
        double[] sums = new double[cols];
        for (int i = 0; i < v.length; i++) {
            sums[i % cols] += v[i];
        }
        for (int j = 0; j < cols; j++) {
            sums[j] /= x.size(0);
        }
        return sums;
    }

    /** One exact text key per sample: its features and its target, bit for bit. */
    private static List<String> rowKeys(INDArray x, INDArray y) {
        float[] xv = x.data().asFloat();
        float[] yv = y.data().asFloat();
        int cols = (int) x.size(1);
        List<String> keys = new ArrayList<>(yv.length);
        for (int i = 0; i < yv.length; i++) {
            float[] r = Arrays.copyOfRange(xv, i * cols, (i + 1) * cols + 1);
            r[cols] = yv[i];
            keys.add(Arrays.toString(r));
        }
        return keys;
    }

    private static float[] concat(INDArray... arrays) {
        int n = 0;
        for (INDArray a : arrays) {
            n += (int) a.length();
        }
        float[] out = new float[n];
        int o = 0;
        for (INDArray a : arrays) {
            float[] v = a.data().asFloat();
            System.arraycopy(v, 0, out, o, v.length);
            o += v.length;
        }
        return out;
    }

    /** FLOAT [n, cols] with element (i, j) = 10 i + j. */
    static INDArray ramp(int n, int cols) {
        float[] v = new float[n * cols];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < cols; j++) {
                v[i * cols + j] = 10 * i + j;
            }
        }
        return Nd4j.create(v, new long[] {n, cols}, DataType.FLOAT);
    }

    private static Path gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }
}
