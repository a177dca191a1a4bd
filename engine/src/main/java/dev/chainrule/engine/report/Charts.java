package dev.chainrule.engine.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts as PNG bytes, drawn with XChart. */
public final class Charts {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    static {
        // charts are drawn off-screen; a server without a display must not try to open one
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** Mean per-sample loss per epoch: train, test and (when measured) validation. */
    public static byte[] loss(List<EpochPoint> points) {
        return png(lossChart(points));
    }

    static XYChart lossChart(List<EpochPoint> points) {
        XYChart c = lineChart("Loss per epoch", "mean loss per sample");
        addSeries(c, "train", points, EpochPoint::trainLoss);
        addSeries(c, "test", points, EpochPoint::testLoss);
        addSeries(c, "validation", points, EpochPoint::validationLoss);
        return axes(c);
    }

    /** A regression's test R² per epoch (in the accuracy slot of the points): 1 is a perfect fit. */
    public static byte[] r2(List<EpochPoint> points) {
        XYChart c = lineChart("Test R² per epoch (1 = perfect, 0 = the mean)", "R²");
        addSeries(c, "test", points, EpochPoint::testAccuracy);
        return png(axes(c));
    }

    /** Accuracy per epoch, in percent: train and test. */
    public static byte[] accuracy(List<EpochPoint> points) {
        return png(accuracyChart(points));
    }

    static XYChart accuracyChart(List<EpochPoint> points) {
        XYChart c = lineChart("Accuracy per epoch", "accuracy (%)");
        addSeries(c, "train", points, p -> 100 * p.trainAccuracy());
        addSeries(c, "test", points, p -> 100 * p.testAccuracy());
        return axes(c);
    }

    /**
     * The sequential colour map of the confusion matrix, light to mid blue (ColorBrewer Blues, its lighter
     * half): luminance falls monotonically, and black text keeps a contrast of at least 7:1 on every colour
     * (WCAG AA asks 4.5:1), the diagonal included.
     */
    static final Color[] SEQUENTIAL = {new Color(0xF7FBFF), new Color(0xDEEBF7), new Color(0xC6DBEF),
            new Color(0x9ECAE1), new Color(0x6BAED6)};
    /** The cell text: black on the light map. */
    static final Color VALUE_TEXT = Color.BLACK;
    /**
     * Where a share s (in %) sits on the colour map: {@code log10(1 + 10·s) / log10(1001)}, so a 1% confusion is
     * 35% of the way up the map, where a linear 0–100 scale left it at 1% (indistinguishable from 0).
     */
    static double colourValue(double sharePercent) {
        return Math.log10(1 + 10 * sharePercent) / Math.log10(1001);
    }

    /**
     * The log colour scale as XChart's own range colours: XChart spreads {@code rangeColors} evenly over
     * [min, max] = [0, 100] and interpolates between neighbours, so stop i (share i%) gets the
     * {@link #SEQUENTIAL} colour at {@link #colourValue}(i); the cells keep the share itself as their value
     * and text.
     */
    static Color[] logScale() {
        Color[] out = new Color[101];
        for (int i = 0; i <= 100; i++) {
            double t = colourValue(i) * (SEQUENTIAL.length - 1);
            int k = Math.min((int) t, SEQUENTIAL.length - 2);
            double f = t - k;
            Color a = SEQUENTIAL[k];
            Color b = SEQUENTIAL[k + 1];
            out[i] = new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                    (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                    (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
        }
        return out;
    }

    /**
     * The confusion matrix as a heat map: row = true class (top to bottom), column = predicted class, each
     * cell's count written in it, colour by the share of its row (so rare classes are as visible as
     * common ones).
     */
    public static byte[] confusion(int[][] confusion) {
        return confusion(confusion, null);
    }

    /** The confusion heat map with the classes named ({@code names} null: their numbers). */
    public static byte[] confusion(int[][] confusion, List<String> names) {
        return png(confusionChart(confusion, names));
    }

    static HeatMapChart confusionChart(int[][] confusion, List<String> names) {
        int k = confusion.length;
        HeatMapChart c = new HeatMapChartBuilder().width(Math.max(500, 60 * k + 200)).height(Math.max(500, 60 * k + 140))
                .title("Confusion matrix (% of each true class, log colours)").xAxisTitle("predicted class")
                .yAxisTitle("true class").build();
        List<Object> xs = new ArrayList<>();
        List<Object> ys = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            xs.add(names == null || j >= names.size() ? (Object) j : names.get(j));
        }
        // XChart puts the first y value at the bottom; list the classes reversed so class 0 is on top
        for (int i = k - 1; i >= 0; i--) {
            ys.add(names == null || i >= names.size() ? (Object) i : names.get(i));
        }
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            long row = 0;
            for (int v : confusion[i]) {
                row += v;
            }
            for (int j = 0; j < k; j++) {
                double share = row == 0 ? 0 : (double) confusion[i][j] / row;
                cells.add(new Number[] {j, k - 1 - i, Math.round(share * 1000) / 10.0});
            }
        }
        c.addSeries("share of true class (%)", xs, ys, cells);
        c.getStyler().setShowValue(true).setMin(0).setMax(100).setRangeColors(logScale())
                .setHeatMapValueDecimalPattern("0.#");
        c.getStyler().setValueFontColor(VALUE_TEXT);
        c.getStyler().setLegendVisible(true);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        return c;
    }

    private static XYChart lineChart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        // beside the plot, never over the curves (inside, it covered their last points)
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(7);
        c.getStyler().setXAxisDecimalPattern("0");
        return c;
    }

    /**
     * Axis ranges and tick labels for what was plotted: whole epochs only on x (a one-epoch chart gets half
     * an epoch either side), and on y a range that is never degenerate (one value gets ±5% around it) with
     * labels rounded to the tick spacing and a leading zero ({@code 0.08}, never {@code .08} or
     * {@code 0.988024126528693}).
     */
    static XYChart axes(XYChart c) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (org.knowm.xchart.XYSeries s : c.getSeriesMap().values()) {
            for (double x : s.getXData()) {
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
            }
            for (double y : s.getYData()) {
                yMin = Math.min(yMin, y);
                yMax = Math.max(yMax, y);
            }
        }
        if (xMin > xMax) {
            return c;
        }
        if (xMin == xMax) {
            c.getStyler().setXAxisMin(xMin - 0.5);
            c.getStyler().setXAxisMax(xMax + 0.5);
        }
        c.getStyler().setxAxisTickLabelsFormattingFunction(x -> Math.abs(x - Math.rint(x)) < 1e-9
                ? Long.toString(Math.round(x)) : "");
        double span = yMax - yMin;
        if (!(span > 1e-9 * Math.max(1, Math.abs(yMax)))) {
            double pad = Math.max(0.05 * Math.abs(yMax), 1e-3);
            yMin -= pad;
            yMax += pad;
            c.getStyler().setYAxisMin(yMin);
            c.getStyler().setYAxisMax(yMax);
            span = yMax - yMin;
        }
        // XChart spaces about 8 ticks over the range on a 1-2-5 grid: two digits below the step's are enough
        int decimals = (int) Math.max(0, Math.min(8, Math.ceil(-Math.log10(span / 8)) + 1));
        java.text.DecimalFormat f = new java.text.DecimalFormat(decimals == 0 ? "0" : "0." + "#".repeat(decimals),
                java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT));
        double zero = span * 1e-9;
        c.getStyler().setyAxisTickLabelsFormattingFunction(y -> f.format(Math.abs(y) < zero ? 0.0 : y));
        return c;
    }

    private static void addSeries(XYChart c, String name, List<EpochPoint> points, ToDoubleFunction<EpochPoint> f) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (EpochPoint p : points) {
            double v = f.applyAsDouble(p);
            if (Double.isFinite(v)) {
                xs.add((double) p.epoch());
                ys.add(v);
            }
        }
        if (!xs.isEmpty()) {
            c.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
    }

    static byte[] png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
