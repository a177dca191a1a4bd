package dev.chainrule.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/**
 * Issue 25, item 1: plots a reader can use, through XChart's own options. Legends beside the plot (the
 * accuracy legend covered the curves' last points); rounded tick labels with a leading zero (a one-epoch loss
 * plot had {@code 0.988024126528693}, loss ticks read {@code .08}); the confusion matrix on a sequential map
 * whose text contrasts with every colour (red on navy before), on a log colour scale so that errors show (a
 * 1% confusion looked like 0% on the linear 0–100 scale).
 */
class ChartsTest {
    static List<EpochPoint> epochs(int n, double loss) {
        List<EpochPoint> out = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            out.add(new EpochPoint(e, loss / e, 0.9 + 0.09 * e / n, loss / e + 0.01, 0.9 + 0.09 * e / n, Double.NaN, 0.1));
        }
        return out;
    }

    @Test
    void legendsSitBesideThePlotNeverOverTheCurves() {
        for (XYChart c : List.of(Charts.lossChart(epochs(10, 0.5)), Charts.accuracyChart(epochs(10, 0.5)))) {
            Styler.LegendPosition p = c.getStyler().getLegendPosition();
            assertTrue(p == Styler.LegendPosition.OutsideE || p == Styler.LegendPosition.OutsideS, p.toString());
        }
    }

    @Test
    void tickLabelsAreRoundedWithALeadingZero() {
        XYChart one = Charts.lossChart(List.of(new EpochPoint(1, 0.988024126528693, 0.7, 0.988024126528693, 0.7, Double.NaN, 0.1)));
        Function<Double, String> y = one.getStyler().getyAxisTickLabelsFormattingFunction();
        assertNotNull(y, "y tick labels are formatted");
        assertEquals("0.988", y.apply(0.988024126528693));
        assertTrue(one.getStyler().getYAxisMax() > one.getStyler().getYAxisMin(), "one value gets a range around it");
        Function<Double, String> x = one.getStyler().getxAxisTickLabelsFormattingFunction();
        assertEquals("1", x.apply(1.0));
        assertEquals("", x.apply(1.2), "only whole epochs are labelled");

        Function<Double, String> loss = Charts.lossChart(epochs(10, 0.5)).getStyler().getyAxisTickLabelsFormattingFunction();
        assertEquals("0.08", loss.apply(0.08));
        assertEquals("0.1", loss.apply(0.1));
        assertEquals("0", loss.apply(1e-17), "a tick at 0 reads 0, not 1E-17");
        // the picture is drawn with them
        assertTrue(Charts.loss(List.of(new EpochPoint(1, 0.98, 0.7, 0.97, 0.7, Double.NaN, 0.1))).length > 1000);
    }

    /** WCAG's contrast ratio of two colours. */
    static double contrast(Color a, Color b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    static double luminance(Color c) {
        double[] v = {c.getRed() / 255.0, c.getGreen() / 255.0, c.getBlue() / 255.0};
        for (int i = 0; i < 3; i++) {
            v[i] = v[i] <= 0.03928 ? v[i] / 12.92 : Math.pow((v[i] + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    }

    @Test
    void theConfusionMapIsSequentialAndItsTextContrastsWithEveryColour() {
        HeatMapChart c = Charts.confusionChart(new int[][] {{990, 10}, {0, 1000}}, null);
        Color[] map = c.getStyler().getRangeColors();
        for (int i = 1; i < map.length; i++) {
            assertTrue(luminance(map[i]) <= luminance(map[i - 1]), "luminance never rises along the map: " + i);
        }
        for (Color m : map) {
            assertTrue(contrast(c.getStyler().getValueFontColor(), m) >= 4.5, "text on " + m + ": "
                    + contrast(c.getStyler().getValueFontColor(), m));
        }
        // the cells' values (their text) are the shares in %; the colour stops make the scale logarithmic
        assertEquals(0.0, c.getStyler().getMin());
        assertEquals(100.0, c.getStyler().getMax());
        assertEquals("0.#", c.getStyler().getHeatMapValueDecimalPattern());
        boolean one = false;
        for (Object cell : c.getSeriesMap().values().iterator().next().getHeatData()) {
            one |= ((Number[]) cell)[2].doubleValue() == 1.0;
        }
        assertTrue(one, "the 1% cell holds 1");
        assertTrue(map.length > 10 && luminance(map[1]) < luminance(map[0]) - 0.05,
                "1% is visibly darker than 0%: " + map[0] + " vs " + map[1]);
    }

    /**
     * The PNG read back: a 1% confusion gets a colour visibly apart from an empty cell's (the cells are the
     * large regions of one colour; before, the 1% cell was within a few RGB units of the 0% one).
     */
    @Test
    void aOnePercentConfusionIsVisibleInThePicture() throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Charts.confusion(new int[][] {{990, 10}, {0, 1000}})));
        Map<Integer, Integer> counts = new HashMap<>();
        for (int yy = 0; yy < img.getHeight(); yy++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
                counts.merge(img.getRGB(xx, yy) & 0xFFFFFF, 1, Integer::sum);
            }
        }
        int big = img.getWidth() * img.getHeight() / 40;
        List<Color> regions = new ArrayList<>();
        counts.forEach((rgb, n) -> {
            if (n >= big && rgb != 0xFFFFFF) {
                regions.add(new Color(rgb));
            }
        });
        // 0%, 1% and the two near-100% cells: at least three colours that differ by 30 RGB units or more
        List<Color> distinct = new ArrayList<>();
        for (Color r : regions) {
            if (distinct.stream().allMatch(d -> Math.abs(d.getRed() - r.getRed()) + Math.abs(d.getGreen() - r.getGreen())
                    + Math.abs(d.getBlue() - r.getBlue()) >= 30)) {
                distinct.add(r);
            }
        }
        assertTrue(distinct.size() >= 3, "cell colours: " + regions);
        String out = System.getProperty("chainrule.chartsOut");
        if (out != null) {
            java.nio.file.Files.write(java.nio.file.Path.of(out), Charts.confusion(new int[][] {{990, 10}, {0, 1000}}));
        }
    }
}
