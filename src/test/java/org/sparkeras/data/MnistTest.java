package org.sparkeras.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkeras.data.IdxFiles.gzip;
import static org.sparkeras.data.IdxFiles.idx;
import static org.sparkeras.data.IdxFiles.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class MnistTest {
    /** The bundled files; surefire runs in the project directory. */
    static final Path BUNDLED = Path.of("data", "mnist");

    @TempDir
    Path dir;

    // ---- the real bundled files ----

    @Test
    void firstThousandTrainingSamplesHaveTheKnownLabelsShapesAndPixels() throws IOException {
        Mnist mnist = Mnist.load(BUNDLED, 1000, 10);

        INDArray x = mnist.trainImages();
        INDArray y = mnist.trainLabels();
        assertEquals(DataType.FLOAT, x.dataType());
        assertEquals(DataType.FLOAT, y.dataType());
        assertArrayEquals(new long[] {1000, 28, 28}, x.shape());
        assertArrayEquals(new long[] {1000}, y.shape());
        assertArrayEquals(new float[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(y.data().asFloat(), 10));
        // Pixels of the first training digit (a 5), checked against the decompressed file.
        assertEquals(240f / 255f, x.getFloat(0, 14, 14));
        assertEquals(3f / 255f, x.getFloat(0, 5, 12));
        assertEquals(253f / 255f, x.getFloat(0, 6, 15));
        assertEquals(0f, x.getFloat(0, 0, 0));
        float[] pixels = x.data().asFloat();
        double firstImageSum = 0;
        int firstImageInk = 0;
        for (int i = 0; i < 784; i++) {
            firstImageSum += pixels[i];
            firstImageInk += pixels[i] > 0 ? 1 : 0;
        }
        assertEquals(27525 / 255.0, firstImageSum, 1e-4);
        assertEquals(166, firstImageInk);
        double sum = 0;
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float p : pixels) {
            sum += p;
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        assertEquals(25637533 / 255.0, sum, 1e-2);

        assertArrayEquals(new long[] {10, 28, 28}, mnist.testImages().shape());
        assertArrayEquals(new float[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, mnist.testLabels().data().asFloat());
    }

    @Test
    void fullTestSetHasTheClassCountsOfTheDataReadme() throws IOException {
        Mnist mnist = Mnist.load(BUNDLED, 1, Integer.MAX_VALUE);

        assertArrayEquals(new long[] {1, 28, 28}, mnist.trainImages().shape());
        assertArrayEquals(new long[] {10000, 28, 28}, mnist.testImages().shape());
        float[] labels = mnist.testLabels().data().asFloat();
        assertEquals(10000, labels.length);
        int[] counts = new int[10];
        for (float label : labels) {
            counts[(int) label]++;
        }
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts);
        assertEquals(6f, labels[9999]);
        double sum = 0;
        for (float p : mnist.testImages().data().asFloat()) {
            sum += p;
        }
        assertEquals(264923200 / 255.0, sum, 0.1);
    }

    @Test
    void fullTrainingSetHasTheClassCountsAndPixelMeanOfTheDataReadme() throws IOException {
        Mnist mnist = Mnist.load(BUNDLED, Integer.MAX_VALUE, 1);

        assertArrayEquals(new long[] {60000, 28, 28}, mnist.trainImages().shape());
        float[] labels = mnist.trainLabels().data().asFloat();
        int[] counts = new int[10];
        for (float label : labels) {
            counts[(int) label]++;
        }
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts);
        assertEquals(8f, labels[59999]);
        double sum = 0;
        for (float p : mnist.trainImages().data().asFloat()) {
            sum += p;
        }
        assertEquals(1567298545 / 255.0, sum, 1.0);
        assertEquals(0.1307, sum / (60000.0 * 784), 5e-5);
    }

    @Test
    void bundledHeadersAreTheOriginalOnes() throws IOException {
        Idx.Header images = Idx.readHeader(BUNDLED.resolve(Mnist.TRAIN_IMAGES));
        Idx.Header labels = Idx.readHeader(BUNDLED.resolve(Mnist.TEST_LABELS));

        assertEquals(new Idx.Header(2051, new int[] {60000, 28, 28}), images);
        assertEquals(new Idx.Header(2049, new int[] {10000}), labels);
    }

    // ---- synthetic files ----

    @Test
    void readsSyntheticFilesCompressedOrNot() throws IOException {
        writeSet(dir, 3, 2, true);
        Path plainDir = Files.createDirectory(dir.resolve("plain"));
        writeSet(plainDir, 3, 2, false);

        for (Path d : new Path[] {dir, plainDir}) {
            Mnist m = Mnist.load(d);
            assertArrayEquals(new long[] {3, 28, 28}, m.trainImages().shape());
            assertArrayEquals(new long[] {2, 28, 28}, m.testImages().shape());
            assertArrayEquals(new float[] {0, 1, 2}, m.trainLabels().data().asFloat());
            assertArrayEquals(new float[] {0, 1}, m.testLabels().data().asFloat());
            // image i, pixel j holds (7 i + j) mod 256
            assertEquals(((7 + 30) & 0xff) / 255f, m.trainImages().getFloat(1, 1, 2));
            assertEquals(((14 + 783) & 0xff) / 255f, m.trainImages().getFloat(2, 27, 27));
        }
    }

    @Test
    void wrongImageMagicNamesTheFileTheExpectedAndTheFound() throws IOException {
        writeSet(dir, 3, 2, true);
        Path images = write(dir.resolve(Mnist.TRAIN_IMAGES), gzip(idx(2049, new int[] {3}, new byte[3])));

        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));

        assertEquals(images + ": expected magic number 2051 (0x00000803, MNIST images: unsigned bytes, 3 dimensions),"
                + " found 2049 (0x00000801)", e.getMessage());
    }

    @Test
    void wrongLabelMagicNamesTheFileTheExpectedAndTheFound() throws IOException {
        writeSet(dir, 3, 2, true);
        Path labels = write(dir.resolve(Mnist.TEST_LABELS),
                gzip(idx(2051, new int[] {2, 28, 28}, new byte[2 * 784])));

        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));

        assertEquals(labels + ": expected magic number 2049 (0x00000801, MNIST labels: unsigned bytes, 1 dimension),"
                + " found 2051 (0x00000803)", e.getMessage());
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFilesAndCounts() throws IOException {
        writeSet(dir, 3, 2, true);
        Path labels = write(dir.resolve(Mnist.TRAIN_LABELS), gzip(idx(2049, new int[] {4}, new byte[] {0, 1, 2, 3})));

        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));

        assertEquals("MNIST image and label counts differ: " + dir.resolve(Mnist.TRAIN_IMAGES) + " holds 3 images, "
                + labels + " holds 4 labels", e.getMessage());
    }

    @Test
    void truncatedImageFileNamesTheFileAndTheByteCounts() throws IOException {
        writeSet(dir, 3, 2, true);
        Path images = write(dir.resolve(Mnist.TRAIN_IMAGES),
                gzip(idx(2051, new int[] {3, 28, 28}, IdxFiles.ramp(2 * 784 + 5, 0))));

        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));

        assertEquals(images + ": truncated: expected 2352 data bytes (3 records of 784 values) after the 16-byte"
                + " header [3, 28, 28], found 1573", e.getMessage());
        // The first two images are complete, so a limited read still works.
        assertArrayEquals(new long[] {2, 28, 28}, Mnist.load(dir, 2, 2).trainImages().shape());
    }

    @Test
    void imagesOfAnotherSizeAreRefused() throws IOException {
        writeSet(dir, 3, 2, true);
        Path images = write(dir.resolve(Mnist.TEST_IMAGES),
                gzip(idx(2051, new int[] {2, 32, 32}, new byte[2 * 32 * 32])));

        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));

        assertEquals(images + ": expected images of 28 x 28 pixels, found 32 x 32", e.getMessage());
    }

    @Test
    void labelThatIsNotADigitIsRefusedWithItsIndex() throws IOException {
        writeSet(dir, 3, 2, true);
        Path labels = write(dir.resolve(Mnist.TRAIN_LABELS), gzip(idx(2049, new int[] {3}, new byte[] {4, 10, 2})));

        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));

        assertEquals(labels + ": label 10 at index 1 is not a digit, expected 0-9", e.getMessage());
    }

    @Test
    void missingFileAndDirectoryAreNamed() throws IOException {
        writeSet(dir, 3, 2, true);
        Files.delete(dir.resolve(Mnist.TEST_IMAGES));

        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertEquals("MNIST file not found: expected " + dir.resolve(Mnist.TEST_IMAGES)
                + " (or t10k-images-idx3-ubyte uncompressed), found neither", e.getMessage());

        Path none = dir.resolve("none");
        IOException d = assertThrows(IOException.class, () -> Mnist.load(none));
        assertTrue(d.getMessage().startsWith("MNIST directory not found: "), d.getMessage());
        assertTrue(d.getMessage().endsWith("found nothing at " + none), d.getMessage());
    }

    @Test
    void limitsBelowOneAreRefused() {
        IllegalArgumentException train = assertThrows(IllegalArgumentException.class,
                () -> Mnist.load(BUNDLED, 0, 5));
        assertEquals("Mnist.load: trainLimit must be at least 1, received 0", train.getMessage());
        IllegalArgumentException test = assertThrows(IllegalArgumentException.class,
                () -> Mnist.load(BUNDLED, 5, -1));
        assertEquals("Mnist.load: testLimit must be at least 1, received -1", test.getMessage());
    }

    /** Four MNIST files with {@code train} and {@code test} samples: image i, pixel j = 7 i + j; label i mod 10. */
    private static void writeSet(Path d, int train, int test, boolean compressed) throws IOException {
        writePair(d, Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, train, compressed);
        writePair(d, Mnist.TEST_IMAGES, Mnist.TEST_LABELS, test, compressed);
    }

    private static void writePair(Path d, String imagesName, String labelsName, int n, boolean compressed)
            throws IOException {
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(IdxFiles.ramp(784, 7 * i), 0, pixels, i * 784, 784);
            labels[i] = (byte) (i % 10);
        }
        byte[] images = idx(2051, new int[] {n, 28, 28}, pixels);
        byte[] labelFile = idx(2049, new int[] {n}, labels);
        if (compressed) {
            write(d.resolve(imagesName), gzip(images));
            write(d.resolve(labelsName), gzip(labelFile));
        } else {
            write(d.resolve(strip(imagesName)), images);
            write(d.resolve(strip(labelsName)), labelFile);
        }
    }

    private static String strip(String gzName) {
        return gzName.substring(0, gzName.length() - 3);
    }
}
