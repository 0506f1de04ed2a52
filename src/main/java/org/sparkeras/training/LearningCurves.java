package org.sparkeras.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the learning curves of a training history (the {@code history} map of Keras's
 * {@code History}) into one PNG: one chart per metric ({@code loss}, {@code accuracy}, ...: every
 * key without the {@code val_} prefix), each with the training curve and, when the history has it,
 * the {@code val_} curve on the same axes, over the epochs 1, 2, ... Charts are laid out side by
 * side, at most {@value #COLUMNS} to a row, in the order the metrics first appear in the map.
 *
 * <p>Rendering is headless: {@code java.awt.headless} is set to {@code true} unless the process set
 * it. Non-finite values (a diverged loss) are left out of the curve instead of breaking the axes.
 * The file is written to a temporary file next to the destination and then renamed, so an existing
 * PNG is replaced only by a complete one.
 *
 * <pre>{@code
 * History history = model.fit(x, y, Fit.epochs(20).validationSplit(0.1));
 * LearningCurves.write(history.history(), runDir.resolve("learning_curves.png"));
 * }</pre>
 */
public final class LearningCurves {
    /** Width of one chart in pixels. */
    public static final int CHART_WIDTH = 480;
    /** Height of one chart in pixels. */
    public static final int CHART_HEIGHT = 360;
    /** Charts per row. */
    public static final int COLUMNS = 3;

    private static final String VAL_PREFIX = "val_";
    // matplotlib's first two colours, the ones Keras tutorials show.
    private static final Color TRAIN_COLOR = new Color(0x1f, 0x77, 0xb4);
    private static final Color VAL_COLOR = new Color(0xff, 0x7f, 0x0e);
    private static final Color GRID_COLOR = new Color(0xdd, 0xdd, 0xdd);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LearningCurves() {}

    /**
     * Writes the curves of {@code history} (metric name -> one value per epoch) to {@code png},
     * creating its parent directories.
     *
     * @throws IllegalArgumentException when the history has no values, or a value is null
     */
    public static void write(Map<String, List<Double>> history, Path png) throws IOException {
        if (history == null || history.isEmpty()) {
            throw new IllegalArgumentException("LearningCurves.write: the history is empty: expected at least one"
                    + " metric with one value per epoch (\"loss\", \"val_loss\", ...), received "
                    + (history == null ? "null" : "no metrics"));
        }
        if (png == null) {
            throw new IllegalArgumentException("LearningCurves.write: the destination path is null");
        }
        List<XYChart> charts = charts(history);
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("LearningCurves.write: the history holds no epochs: every metric of "
                    + history.keySet() + " has an empty list of values");
        }
        int columns = Math.min(COLUMNS, charts.size());
        int rows = (charts.size() + columns - 1) / columns;
        Path target = png.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // Files.createTempFile would leave the PNG readable by its owner only.
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                if (!ImageIO.write(grid(charts, rows, columns), "png", out)) {
                    throw new IOException("LearningCurves.write: no PNG writer available in this JVM");
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // BitmapEncoder's grid needs rows x columns charts exactly; a last row may be partly empty here.
    private static BufferedImage grid(List<XYChart> charts, int rows, int columns) {
        BufferedImage image = new BufferedImage(columns * CHART_WIDTH, rows * CHART_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                BufferedImage chart = BitmapEncoder.getBufferedImage(charts.get(i));
                g.drawImage(chart, (i % columns) * CHART_WIDTH, (i / columns) * CHART_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static List<XYChart> charts(Map<String, List<Double>> history) {
        // metric name -> {training values, validation values}, in first-appearance order
        Map<String, List<List<Double>>> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : history.entrySet()) {
            String key = e.getKey();
            if (key == null) {
                throw new IllegalArgumentException("LearningCurves.write: the history has a null metric name");
            }
            List<Double> values = e.getValue();
            if (values == null) {
                throw new IllegalArgumentException("LearningCurves.write: metric \"" + key + "\" has no list of values");
            }
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) == null) {
                    throw new IllegalArgumentException(String.format("LearningCurves.write: metric \"%s\" has a null"
                            + " value at epoch %d", key, i + 1));
                }
            }
            boolean validation = key.startsWith(VAL_PREFIX) && key.length() > VAL_PREFIX.length();
            String metric = validation ? key.substring(VAL_PREFIX.length()) : key;
            List<List<Double>> pair = metrics.computeIfAbsent(metric, k -> new ArrayList<>(List.of(List.of(), List.of())));
            pair.set(validation ? 1 : 0, values);
        }
        List<XYChart> charts = new ArrayList<>();
        for (Map.Entry<String, List<List<Double>>> m : metrics.entrySet()) {
            List<Double> train = m.getValue().get(0);
            List<Double> val = m.getValue().get(1);
            if (train.isEmpty() && val.isEmpty()) {
                continue;
            }
            XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(m.getKey())
                    .xAxisTitle("epoch").yAxisTitle(m.getKey()).build();
            XYStyler styler = chart.getStyler();
            styler.setChartTitleVisible(true);
            styler.setLegendVisible(true);
            // Below the plot: loss falls and accuracy rises, so any corner inside may hide a curve.
            styler.setLegendPosition(Styler.LegendPosition.OutsideS);
            styler.setLegendLayout(Styler.LegendLayout.Horizontal);
            styler.setChartBackgroundColor(Color.WHITE);
            styler.setPlotBackgroundColor(Color.WHITE);
            styler.setPlotBorderVisible(true);
            styler.setPlotGridLinesVisible(true);
            styler.setPlotGridLinesColor(GRID_COLOR);
            styler.setPlotGridLinesStroke(new BasicStroke(1f));
            styler.setMarkerSize(5);
            styler.setAntiAlias(true);
            styler.setxAxisTickLabelsFormattingFunction(LearningCurves::epochLabel);
            if (!train.isEmpty()) {
                addSeries(chart, m.getKey(), train, TRAIN_COLOR);
            }
            if (!val.isEmpty()) {
                addSeries(chart, VAL_PREFIX + m.getKey(), val, VAL_COLOR);
            }
            charts.add(chart);
        }
        return charts;
    }

    private static void addSeries(XYChart chart, String name, List<Double> values, Color color) {
        double[] x = new double[values.size()];
        double[] y = new double[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
            double v = values.get(i);
            y[i] = Double.isFinite(v) ? v : Double.NaN;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineWidth(2f);
    }

    // Epochs are whole numbers; the axis may place ticks between them, which stay unlabelled.
    private static String epochLabel(Double x) {
        double r = Math.rint(x);
        return Math.abs(x - r) < 1e-9 ? Long.toString((long) r) : "";
    }
}
