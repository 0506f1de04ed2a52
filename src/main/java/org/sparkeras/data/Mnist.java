package org.sparkeras.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The MNIST handwritten digits (Keras's {@code keras.datasets.mnist.load_data()}), read from the four
 * original IDX files: 60,000 training and 10,000 test images of 28 x 28 pixels with their labels.
 * Images come as FLOAT arrays {@code [n, 28, 28]} scaled to [0, 1] (pixel / 255), labels as FLOAT
 * arrays {@code [n]} holding the digits 0-9.
 *
 * <p>The directory holds {@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS}, {@value #TEST_IMAGES} and
 * {@value #TEST_LABELS}; the same names without {@code .gz} are read when the compressed file is
 * absent. The project bundles them in {@code data/mnist} (provenance in {@code data/README.md}).
 * Headers are checked before any values are read: magic numbers, 28 x 28 images, as many labels as
 * images; after reading, every label is checked to be a digit.
 *
 * <pre>{@code
 * Mnist mnist = Mnist.load(Path.of("data/mnist"));
 * INDArray xTrain = mnist.trainImages();             // [60000, 28, 28]
 * Mnist small = Mnist.load(Path.of("data/mnist"), 1000, 200);   // first 1000 and 200
 * }</pre>
 */
public final class Mnist {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    /** IDX magic number of the image files: unsigned bytes, rank 3. */
    public static final int IMAGES_MAGIC = 2051;
    /** IDX magic number of the label files: unsigned bytes, rank 1. */
    public static final int LABELS_MAGIC = 2049;
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int CLASSES = 10;

    private final INDArray trainImages;
    private final INDArray trainLabels;
    private final INDArray testImages;
    private final INDArray testLabels;

    private Mnist(INDArray trainImages, INDArray trainLabels, INDArray testImages, INDArray testLabels) {
        this.trainImages = trainImages;
        this.trainLabels = trainLabels;
        this.testImages = testImages;
        this.testLabels = testLabels;
    }

    /** Reads all 60,000 training and 10,000 test samples. */
    public static Mnist load(Path dir) throws IOException {
        return load(dir, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * Reads the first {@code trainLimit} training and the first {@code testLimit} test samples (all
     * of them when a file holds fewer); only those bytes are decompressed, which keeps tests fast.
     *
     * @throws IOException when a file is missing, not MNIST IDX, truncated or inconsistent with its
     *     partner; the message names the file, the expected and the found value
     */
    public static Mnist load(Path dir, int trainLimit, int testLimit) throws IOException {
        if (trainLimit < 1) {
            throw new IllegalArgumentException("Mnist.load: trainLimit must be at least 1, received " + trainLimit);
        }
        if (testLimit < 1) {
            throw new IllegalArgumentException("Mnist.load: testLimit must be at least 1, received " + testLimit);
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("MNIST directory not found: expected a directory holding " + TRAIN_IMAGES + ", "
                    + TRAIN_LABELS + ", " + TEST_IMAGES + " and " + TEST_LABELS + ", found "
                    + (Files.exists(dir) ? "a file" : "nothing") + " at " + dir);
        }
        INDArray[] train = loadPair(file(dir, TRAIN_IMAGES), file(dir, TRAIN_LABELS), trainLimit);
        INDArray[] test = loadPair(file(dir, TEST_IMAGES), file(dir, TEST_LABELS), testLimit);
        return new Mnist(train[0], train[1], test[0], test[1]);
    }

    /** Training images, FLOAT {@code [n, 28, 28]} in [0, 1]. */
    public INDArray trainImages() {
        return trainImages;
    }

    /** Training labels, FLOAT {@code [n]} with values 0-9. */
    public INDArray trainLabels() {
        return trainLabels;
    }

    /** Test images, FLOAT {@code [n, 28, 28]} in [0, 1]. */
    public INDArray testImages() {
        return testImages;
    }

    /** Test labels, FLOAT {@code [n]} with values 0-9. */
    public INDArray testLabels() {
        return testLabels;
    }

    private static INDArray[] loadPair(Path imagesFile, Path labelsFile, int limit) throws IOException {
        Idx.Header images = Idx.readHeader(imagesFile);
        if (images.magic() != IMAGES_MAGIC) {
            throw new IOException(String.format("%s: expected magic number %d (0x%08X, MNIST images: unsigned bytes,"
                    + " 3 dimensions), found %d (0x%08X)", imagesFile, IMAGES_MAGIC, IMAGES_MAGIC, images.magic(),
                    images.magic()));
        }
        int[] dims = images.dims();
        if (dims[1] != ROWS || dims[2] != COLS) {
            throw new IOException(String.format("%s: expected images of %d x %d pixels, found %d x %d", imagesFile,
                    ROWS, COLS, dims[1], dims[2]));
        }
        Idx.Header labels = Idx.readHeader(labelsFile);
        if (labels.magic() != LABELS_MAGIC) {
            throw new IOException(String.format("%s: expected magic number %d (0x%08X, MNIST labels: unsigned bytes,"
                    + " 1 dimension), found %d (0x%08X)", labelsFile, LABELS_MAGIC, LABELS_MAGIC, labels.magic(),
                    labels.magic()));
        }
        if (images.count() != labels.count()) {
            throw new IOException(String.format("MNIST image and label counts differ: %s holds %d images, %s holds %d"
                    + " labels", imagesFile, images.count(), labelsFile, labels.count()));
        }
        INDArray x = Idx.read(imagesFile, limit, 255.0);
        INDArray y = Idx.read(labelsFile, limit, 1.0);
        float[] values = y.data().asFloat();
        for (int i = 0; i < values.length; i++) {
            if (values[i] >= CLASSES) {
                throw new IOException(String.format("%s: label %d at index %d is not a digit, expected 0-%d",
                        labelsFile, (int) values[i], i, CLASSES - 1));
            }
        }
        return new INDArray[] {x, y};
    }

    private static Path file(Path dir, String gzName) throws IOException {
        Path gz = dir.resolve(gzName);
        if (Files.exists(gz)) {
            return gz;
        }
        String plainName = gzName.substring(0, gzName.length() - ".gz".length());
        Path plain = dir.resolve(plainName);
        if (Files.exists(plain)) {
            return plain;
        }
        throw new IOException("MNIST file not found: expected " + gz + " (or " + plainName + " uncompressed), found"
                + " neither");
    }
}
