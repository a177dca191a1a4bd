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
        XYChart c = lineChart("Loss per epoch", "mean loss per sample");
        addSeries(c, "train", points, EpochPoint::trainLoss);
        addSeries(c, "test", points, EpochPoint::testLoss);
        addSeries(c, "validation", points, EpochPoint::validationLoss);
        return png(c);
    }

    /** A regression's test R² per epoch (in the accuracy slot of the points): 1 is a perfect fit. */
    public static byte[] r2(List<EpochPoint> points) {
        XYChart c = lineChart("Test R² per epoch (1 = perfect, 0 = the mean)", "R²");
        addSeries(c, "test", points, EpochPoint::testAccuracy);
        return png(c);
    }

    /** Accuracy per epoch, in percent: train and test. */
    public static byte[] accuracy(List<EpochPoint> points) {
        XYChart c = lineChart("Accuracy per epoch", "accuracy (%)");
        addSeries(c, "train", points, p -> 100 * p.trainAccuracy());
        addSeries(c, "test", points, p -> 100 * p.testAccuracy());
        return png(c);
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
        int k = confusion.length;
        HeatMapChart c = new HeatMapChartBuilder().width(Math.max(500, 60 * k + 200)).height(Math.max(500, 60 * k + 140))
                .title("Confusion matrix (test set, share of each true class)").xAxisTitle("predicted class")
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
        c.getStyler().setShowValue(true).setMin(0).setMax(100)
                .setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)})
                .setHeatMapValueDecimalPattern("0.#");
        c.getStyler().setValueFontColor(new Color(0xD62728));
        c.getStyler().setLegendVisible(true);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        return png(c);
    }

    private static XYChart lineChart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(7);
        c.getStyler().setXAxisDecimalPattern("0");
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
