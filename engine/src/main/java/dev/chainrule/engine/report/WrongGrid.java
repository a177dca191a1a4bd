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
        int side = side(features);
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
            g.drawString(wrong.isEmpty() ? "No misclassified test images" : "Most wrong test images", 8, 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i < wrong.size(); i++) {
                dev.chainrule.engine.train.Evaluation.Wrong w = wrong.get(i);
                int x0 = (i % cols) * CELL;
                int y0 = title + (i / cols) * (CELL + CAPTION);
                if (side > 0) {
                    drawDigit(g, w.pixels(), side, x0 + 6, y0 + 6, CELL - 12);
                }
                g.setColor(new Color(0xB00000));
                g.drawString("true " + w.trueLabel() + " \u2192 " + w.predicted(), x0 + 8, y0 + CELL + 8);
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
