package dev.chainrule.api.support;

import dev.chainrule.api.data.DataException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decoding with {@link ImageIO} (PNG, JPEG, BMP, GIF) into 8-bit pixels, and a deterministic resize of our
 * own (not Graphics2D): per axis, area averaging when shrinking and bilinear interpolation (pixel centres
 * aligned) when enlarging, in double precision, rounded half up to bytes at the end. Gray from color is
 * ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B}, rounded. The image-folder data source prepares its
 * samples with it and {@code predict} a picture for an image model, so both give the network the same bytes.
 */
public final class Images {
    /** Images decoded so far in this JVM (tests use it to see a cache hit). */
    public static final AtomicLong DECODED = new AtomicLong();

    private Images() {
    }

    /** Decoded pixels: {@code channels} (1 gray or 3 RGB) interleaved per pixel, row after row. */
    public record Pixels(int width, int height, int channels, byte[] data) {
    }

    /** The width and height from the header, without decoding; whether the image is gray. */
    public record Header(int width, int height) {
    }

    public static Header header(Path file, String shown) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader r = reader(in, shown);
            try {
                r.setInput(in, true, true);
                return new Header(r.getWidth(0), r.getHeight(0));
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            throw corrupt(shown, e);
        }
    }

    private static ImageReader reader(ImageInputStream in, String shown) {
        if (in == null) {
            throw new DataException(shown + ": cannot open");
        }
        Iterator<ImageReader> it = ImageIO.getImageReaders(in);
        if (!it.hasNext()) {
            throw new DataException(shown + ": not an image (no PNG, JPEG, BMP or GIF decoder reads it)");
        }
        return it.next();
    }

    private static DataException corrupt(String shown, Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new DataException(shown + ": corrupt or truncated image (" + m.replace('\n', ' ') + ")", e);
    }

    /** Decodes, refusing before decoding an image of more than {@code maxPixels} pixels. */
    public static Pixels decode(Path file, String shown, long maxPixels) {
        return decode((Object) file.toFile(), shown, maxPixels);
    }

    /**
     * Decodes a picture held in memory (an upload), as {@link #decode(Path, String, long)} decodes a file:
     * the same checks, the same pixels.
     */
    public static Pixels decode(byte[] encoded, String shown, long maxPixels) {
        return decode((Object) new java.io.ByteArrayInputStream(encoded), shown, maxPixels);
    }

    private static Pixels decode(Object input, String shown, long maxPixels) {
        try (ImageInputStream in = ImageIO.createImageInputStream(input)) {
            ImageReader r = reader(in, shown);
            List<String> warnings = new ArrayList<>();
            try {
                r.setInput(in, true, true);
                r.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                int w = r.getWidth(0);
                int h = r.getHeight(0);
                if ((long) w * h > maxPixels) {
                    throw new DataException(shown + ": " + w + "×" + h + " = " + (long) w * h
                            + " pixels, more than maxPixels " + maxPixels);
                }
                BufferedImage img = r.read(0);
                if (!warnings.isEmpty()) {
                    throw new DataException(shown + ": corrupt or truncated image (" + warnings.get(0) + ")");
                }
                DECODED.incrementAndGet();
                return pixels(img);
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            throw corrupt(shown, e);
        }
    }

    private static Pixels pixels(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            Raster r = img.getRaster();
            int bits = cm.getComponentSize(0);
            double max = (1L << bits) - 1;
            byte[] out = new byte[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = r.getSample(x, y, 0);
                    out[y * w + x] = (byte) (bits == 8 ? v : (int) Math.floor(v * 255.0 / max + 0.5));
                }
            }
            return new Pixels(w, h, 1, out);
        }
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int o = (y * w + x) * 3;
                out[o] = (byte) (p >> 16);
                out[o + 1] = (byte) (p >> 8);
                out[o + 2] = (byte) p;
            }
        }
        return new Pixels(w, h, 3, out);
    }

    /** BT.601 luma of 8-bit R, G, B, rounded half up. */
    static int luma(int r, int g, int b) {
        return (int) Math.floor(0.299 * r + 0.587 * g + 0.114 * b + 0.5);
    }

    /**
     * The image as {@code channels × height × width} bytes (channel-major), converted (gray by luma, gray
     * repeated for RGB) and resized.
     */
    public static byte[] toCHW(Pixels p, int channels, int height, int width) {
        int w = p.width();
        int h = p.height();
        byte[] out = new byte[channels * height * width];
        double[] plane = new double[w * h];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < w * h; i++) {
                int v;
                if (p.channels() == 1) {
                    v = p.data()[i] & 0xff;
                } else if (channels == 1) {
                    v = luma(p.data()[i * 3] & 0xff, p.data()[i * 3 + 1] & 0xff, p.data()[i * 3 + 2] & 0xff);
                } else {
                    v = p.data()[i * 3 + c] & 0xff;
                }
                plane[i] = v;
            }
            double[] resized = resize(plane, h, w, height, width);
            for (int i = 0; i < height * width; i++) {
                double v = Math.floor(resized[i] + 0.5);
                out[c * height * width + i] = (byte) (v < 0 ? 0 : v > 255 ? 255 : (int) v);
            }
        }
        return out;
    }

    /** Resizes one plane: rows first, then columns, each axis by {@link #weights}. */
    static double[] resize(double[] src, int h, int w, int oh, int ow) {
        if (h == oh && w == ow) {
            return src;
        }
        double[] tmp = new double[h * ow];
        Axis ax = weights(w, ow);
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < ow; i++) {
                double s = 0;
                for (int k = 0; k < ax.index[i].length; k++) {
                    s += ax.weight[i][k] * src[y * w + ax.index[i][k]];
                }
                tmp[y * ow + i] = s;
            }
        }
        double[] out = new double[oh * ow];
        Axis ay = weights(h, oh);
        for (int j = 0; j < oh; j++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < ay.index[j].length; k++) {
                    s += ay.weight[j][k] * tmp[ay.index[j][k] * ow + x];
                }
                out[j * ow + x] = s;
            }
        }
        return out;
    }

    /** For each output position: the source positions it reads and their weights (summing to 1). */
    record Axis(int[][] index, double[][] weight) {
    }

    static Axis weights(int n, int m) {
        int[][] idx = new int[m][];
        double[][] wt = new double[m][];
        if (n == m) {
            for (int i = 0; i < m; i++) {
                idx[i] = new int[] {i};
                wt[i] = new double[] {1};
            }
        } else if (m < n) { // area: output i covers source [i·n/m, (i+1)·n/m)
            double scale = (double) n / m;
            for (int i = 0; i < m; i++) {
                double a = i * scale;
                double b = (i + 1) * scale;
                int lo = (int) Math.floor(a);
                int hi = Math.min(n, (int) Math.ceil(b));
                List<Integer> is = new ArrayList<>();
                List<Double> ws = new ArrayList<>();
                for (int s = lo; s < hi; s++) {
                    double overlap = Math.min(b, s + 1) - Math.max(a, s);
                    if (overlap > 0) {
                        is.add(s);
                        ws.add(overlap / scale);
                    }
                }
                idx[i] = is.stream().mapToInt(Integer::intValue).toArray();
                wt[i] = ws.stream().mapToDouble(Double::doubleValue).toArray();
            }
        } else { // bilinear, pixel centres aligned, edges clamped
            for (int i = 0; i < m; i++) {
                double x = (i + 0.5) * n / m - 0.5;
                if (x <= 0) {
                    idx[i] = new int[] {0};
                    wt[i] = new double[] {1};
                } else if (x >= n - 1) {
                    idx[i] = new int[] {n - 1};
                    wt[i] = new double[] {1};
                } else {
                    int i0 = (int) Math.floor(x);
                    double f = x - i0;
                    idx[i] = new int[] {i0, i0 + 1};
                    wt[i] = new double[] {1 - f, f};
                }
            }
        }
        return new Axis(idx, wt);
    }
}
