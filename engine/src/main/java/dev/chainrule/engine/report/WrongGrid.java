package dev.chainrule.engine.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The test images the model gets most wrong, as a grid: each image drawn dark ink on white (pixel value
 * 1 = black), enlarged, with "true y → predicted p" and the probability the model gave its wrong answer.
 * Feature rows are drawn as square images when their length is a perfect square (784 = 28×28).
 */
public final class WrongGrid {
    static final int COLUMNS = 5;
    static final int CELL = 112;
    static final int CAPTION = 34;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private WrongGrid() {
    }

    /** The side of a square image with {@code features} pixels, or 0 when it is not a square. */
    public static int side(int features) {
        int s = (int) Math.round(Math.sqrt(features));
        return s * s == features ? s : 0;
    }

    public static byte[] png(List<dev.chainrule.engine.train.Evaluation.Wrong> wrong, int features) {
        int s = side(features);
        return png(wrong, s > 0 ? dev.chainrule.api.Shape.image(1, s, s) : dev.chainrule.api.Shape.of(features), null);
    }

    /**
     * The grid of the most wrong test samples: images (one channel drawn gray, three in colour) with their
     * captions, or for samples that are not images (table rows) the captions alone; classes by name when given.
     */
    public static byte[] png(List<dev.chainrule.engine.train.Evaluation.Wrong> wrong, dev.chainrule.api.Shape shape,
            List<String> names) {
        boolean image = shape.rank() == 3 && shape.dim(1) > 1 && shape.dim(2) > 1;
        int side = image && shape.dim(1) == shape.dim(2) ? shape.dim(1) : 0;
        int count = Math.max(1, wrong.size());
        int cols = Math.min(COLUMNS, count);
        int rows = (count + cols - 1) / cols;
        int title = 30;
        BufferedImage img = new BufferedImage(cols * CELL, title + rows * (CELL + CAPTION), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(wrong.isEmpty() ? "No misclassified test " + (image ? "images" : "samples")
                    : "Most wrong test " + (image ? "images" : "samples"), 8, 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i < wrong.size(); i++) {
                dev.chainrule.engine.train.Evaluation.Wrong w = wrong.get(i);
                int x0 = (i % cols) * CELL;
                int y0 = title + (i / cols) * (CELL + CAPTION);
                if (side > 0 && shape.dim(0) == 1) {
                    drawDigit(g, w.pixels(), side, x0 + 6, y0 + 6, CELL - 12);
                } else if (image) {
                    drawImage(g, w.pixels(), shape, x0 + 6, y0 + 6, CELL - 12);
                }
                g.setColor(new Color(0xB00000));
                String t = name(names, w.trueLabel());
                String p = name(names, w.predicted());
                g.drawString(fit(g, "true " + t + " \u2192 " + p, CELL - 10), x0 + 8, y0 + CELL + 8);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "p=%.2f  #%d", w.predictedProbability(), w.index()), x0 + 8,
                        y0 + CELL + 24);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String name(List<String> names, int k) {
        return names == null || k >= names.size() ? String.valueOf(k) : names.get(k);
    }

    /** The caption cut to the cell's width with an ellipsis, so long class names never run into the next cell. */
    private static String fit(Graphics2D g, String text, int width) {
        var fm = g.getFontMetrics();
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String t = text;
        while (t.length() > 1 && fm.stringWidth(t + "\u2026") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "\u2026";
    }

    /** A C×H×W sample (values in [0, 1]) scaled into a square: channel 0 gray, or the first three as RGB. */
    private static void drawImage(Graphics2D g, double[] px, dev.chainrule.api.Shape shape, int x0, int y0, int size) {
        int c = shape.dim(0);
        int h = shape.dim(1);
        int w = shape.dim(2);
        double scale = (double) size / Math.max(h, w);
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                int r = level(px[i * w + j]);
                int gr = c >= 3 ? level(px[h * w + i * w + j]) : r;
                int b = c >= 3 ? level(px[2 * h * w + i * w + j]) : r;
                g.setColor(new Color(r, gr, b));
                g.fillRect(x0 + (int) Math.floor(j * scale), y0 + (int) Math.floor(i * scale),
                        (int) Math.ceil(scale), (int) Math.ceil(scale));
            }
        }
    }

    private static int level(double v) {
        return (int) Math.round(255 * Math.max(0, Math.min(1, v)));
    }

    private static void drawDigit(Graphics2D g, double[] px, int side, int x0, int y0, int size) {
        double scale = (double) size / side;
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                double v = Math.max(0, Math.min(1, px[r * side + c]));
                int grey = (int) Math.round(255 * (1 - v));
                g.setColor(new Color(grey, grey, grey));
                int xa = x0 + (int) Math.round(c * scale);
                int ya = y0 + (int) Math.round(r * scale);
                int xb = x0 + (int) Math.round((c + 1) * scale);
                int yb = y0 + (int) Math.round((r + 1) * scale);
                g.fillRect(xa, ya, xb - xa, yb - ya);
            }
        }
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(x0 - 1, y0 - 1, size + 1, size + 1);
    }
}
