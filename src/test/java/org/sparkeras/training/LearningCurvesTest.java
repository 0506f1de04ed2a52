package org.sparkeras.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCurvesTest {
    private static final int TRAIN_RGB = 0x1f77b4;
    private static final int VAL_RGB = 0xff7f0e;

    @TempDir
    Path dir;

    private static Map<String, List<Double>> kerasHistory() {
        Map<String, List<Double>> h = new LinkedHashMap<>();
        h.put("loss", List.of(0.9, 0.5, 0.35, 0.3, 0.27));
        h.put("accuracy", List.of(0.7, 0.82, 0.87, 0.89, 0.9));
        h.put("val_loss", List.of(0.6, 0.45, 0.38, 0.37, 0.39));
        h.put("val_accuracy", List.of(0.8, 0.85, 0.86, 0.86, 0.85));
        return h;
    }

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO cannot decode " + png);
        return image;
    }

    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    private static int count(BufferedImage image, int rgb, int x0, int x1) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                n += (image.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void writesOneChartPerMetricSideBySideWithTrainingAndValidationCurves() throws IOException {
        Path png = dir.resolve("run").resolve("plots").resolve("learning_curves.png");

        LearningCurves.write(kerasHistory(), png);

        BufferedImage image = read(png);
        assertEquals(2 * LearningCurves.CHART_WIDTH, image.getWidth());
        assertEquals(LearningCurves.CHART_HEIGHT, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        assertTrue(colours.size() > 10, "only " + colours.size() + " colours");
        // Both charts (left: loss, right: accuracy) carry a training and a validation curve.
        int w = LearningCurves.CHART_WIDTH;
        assertTrue(count(image, TRAIN_RGB, 0, w) > 200, "training curve of the loss chart");
        assertTrue(count(image, VAL_RGB, 0, w) > 200, "validation curve of the loss chart");
        assertTrue(count(image, TRAIN_RGB, w, 2 * w) > 200, "training curve of the accuracy chart");
        assertTrue(count(image, VAL_RGB, w, 2 * w) > 200, "validation curve of the accuracy chart");
    }

    @Test
    void historyWithoutValidationDrawsNoValidationCurve() throws IOException {
        Path png = dir.resolve("loss.png");

        LearningCurves.write(Map.of("loss", List.of(2.0, 1.0, 0.5)), png);

        BufferedImage image = read(png);
        assertEquals(LearningCurves.CHART_WIDTH, image.getWidth());
        assertEquals(LearningCurves.CHART_HEIGHT, image.getHeight());
        assertTrue(count(image, TRAIN_RGB) > 200);
        assertEquals(0, count(image, VAL_RGB));
    }

    @Test
    void manyMetricsAreLaidOutInAGridOfThreeColumns() throws IOException {
        Map<String, List<Double>> h = new LinkedHashMap<>(kerasHistory());
        h.put("mae", List.of(1.0, 0.8, 0.7, 0.6, 0.5));
        h.put("learning_rate", List.of(0.01, 0.01, 0.005, 0.005, 0.001));
        Path png = dir.resolve("grid.png");

        LearningCurves.write(h, png);

        BufferedImage image = read(png);
        assertEquals(3 * LearningCurves.CHART_WIDTH, image.getWidth());
        assertEquals(2 * LearningCurves.CHART_HEIGHT, image.getHeight());
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path png = dir.resolve("curves.png");
        Files.writeString(png, "old");

        LearningCurves.write(kerasHistory(), png);

        assertEquals(2 * LearningCurves.CHART_WIDTH, read(png).getWidth());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(png), files.toList());
        }
    }

    @Test
    void nonFiniteValuesAreSkippedNotFatal() throws IOException {
        Map<String, List<Double>> h = new LinkedHashMap<>();
        h.put("loss", List.of(0.9, 0.5, Double.NaN));
        h.put("val_loss", List.of(0.8, Double.POSITIVE_INFINITY, Double.NaN));
        Path png = dir.resolve("nan.png");

        LearningCurves.write(h, png);

        assertEquals(LearningCurves.CHART_WIDTH, read(png).getWidth());
    }

    @Test
    void emptyHistoryIsAClearError() {
        Path png = dir.resolve("empty.png");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningCurves.write(Map.of(), png));
        assertEquals("LearningCurves.write: the history is empty: expected at least one metric with one value per"
                + " epoch (\"loss\", \"val_loss\", ...), received no metrics", e.getMessage());

        IllegalArgumentException noEpochs = assertThrows(IllegalArgumentException.class,
                () -> LearningCurves.write(Map.of("loss", List.of()), png));
        assertEquals("LearningCurves.write: the history holds no epochs: every metric of [loss] has an empty list of"
                + " values", noEpochs.getMessage());
        assertTrue(Files.notExists(png));
    }

    @Test
    void nullValueNamesTheMetricAndEpoch() {
        Map<String, List<Double>> h = new LinkedHashMap<>();
        h.put("loss", java.util.Arrays.asList(0.5, null, 0.3));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningCurves.write(h, dir.resolve("x.png")));
        assertEquals("LearningCurves.write: metric \"loss\" has a null value at epoch 2", e.getMessage());
    }
}
