package dev.chainrule.engine.predict;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Turns a picture of one digit of any size into an MNIST-style sample, the way MNIST itself was prepared:
 *
 * <ol>
 *   <li>grayscale, by luminance {@code 0.299 R + 0.587 G + 0.114 B}, transparent pixels over white paper;</li>
 *   <li>ink = darkness when the border is light (dark digit on light paper), else brightness, so the digit is
 *       light on dark as in MNIST; the paper's level (the median of the border) is subtracted and the ink
 *       stretched to [0, 1];</li>
 *   <li>cropped to the bounding box of the ink above {@value #INK_THRESHOLD};</li>
 *   <li>scaled, preserving the aspect ratio, so its longer side fills a {@code 20×20} box (area averaging, which
 *       anti-aliases like MNIST's resampling);</li>
 *   <li>placed in the {@code 28×28} field with its centre of mass in the middle (an integer shift, kept so the
 *       whole digit stays inside);</li>
 *   <li>quantised to bytes and scaled by 1/255, as the runner reads IDX pixels.</li>
 * </ol>
 *
 * For another square input size {@code s} the box is {@code round(20·s/28)}.
 */
public final class MnistPreprocessor {
    /** Ink below this share of the strongest stroke counts as paper when cropping (JPEG noise, shadows). */
    public static final double INK_THRESHOLD = 0.1;

    private MnistPreprocessor() {
    }

    /** What became of a picture. */
    public record Result(double[] pixels, int side, boolean inverted, int cropWidth, int cropHeight) {
    }

    /** A picture without ink: blank, or one flat colour. */
    public static final class NoDigitException extends RuntimeException {
        NoDigitException(String msg) {
            super(msg);
        }
    }

    public static Result preprocess(BufferedImage img, int side) {
        int w = img.getWidth();
        int h = img.getHeight();
        double[] grey = grey(img);
        boolean darkOnLight = mean(border(grey, w, h)) > 0.5;
        double[] ink = new double[grey.length];
        for (int i = 0; i < ink.length; i++) {
            ink[i] = darkOnLight ? 1 - grey[i] : grey[i];
        }
        double paper = median(border(ink, w, h));
        double max = 0;
        for (double v : ink) {
            max = Math.max(max, v);
        }
        if (max - paper < 0.05) {
            throw new NoDigitException("no digit found: the picture is one flat colour");
        }
        for (int i = 0; i < ink.length; i++) {
            ink[i] = Math.max(0, ink[i] - paper) / (max - paper);
        }
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (ink[y * w + x] > INK_THRESHOLD) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        int cw = x1 - x0 + 1;
        int ch = y1 - y0 + 1;
        int box = Math.max(1, (int) Math.round(20.0 * side / 28));
        double scale = (double) box / Math.max(cw, ch);
        int sw = Math.max(1, Math.min(box, (int) Math.round(cw * scale)));
        int sh = Math.max(1, Math.min(box, (int) Math.round(ch * scale)));
        double[] small = areaResample(ink, w, x0, y0, cw, ch, sw, sh);

        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                double v = small[y * sw + x];
                mass += v;
                mx += v * x;
                my += v * y;
            }
        }
        // the centre of the field in pixel-index coordinates is (side-1)/2; shift the centre of mass there
        int ox = (int) Math.round((side - 1) / 2.0 - mx / mass);
        int oy = (int) Math.round((side - 1) / 2.0 - my / mass);
        ox = Math.max(0, Math.min(side - sw, ox));
        oy = Math.max(0, Math.min(side - sh, oy));
        double[] out = new double[side * side];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int byteValue = (int) Math.round(255 * Math.min(1, small[y * sw + x]));
                out[(y + oy) * side + x + ox] = byteValue / 255.0;
            }
        }
        return new Result(out, side, !darkOnLight, cw, ch);
    }

    /**
     * Resamples the {@code cw × ch} crop at {@code (x0, y0)} of {@code src} (row width {@code w}) to
     * {@code sw × sh}: each output pixel is the mean of the source area it covers, fractional source pixels
     * weighted by their covered share.
     */
    static double[] areaResample(double[] src, int w, int x0, int y0, int cw, int ch, int sw, int sh) {
        double[] out = new double[sw * sh];
        double fx = (double) cw / sw;
        double fy = (double) ch / sh;
        for (int oy = 0; oy < sh; oy++) {
            double ya = oy * fy;
            double yb = ya + fy;
            for (int ox = 0; ox < sw; ox++) {
                double xa = ox * fx;
                double xb = xa + fx;
                double sum = 0;
                double area = 0;
                for (int sy = (int) Math.floor(ya); sy < Math.min(ch, Math.ceil(yb)); sy++) {
                    double wy = Math.min(yb, sy + 1) - Math.max(ya, sy);
                    for (int sx = (int) Math.floor(xa); sx < Math.min(cw, Math.ceil(xb)); sx++) {
                        double wx = Math.min(xb, sx + 1) - Math.max(xa, sx);
                        double a = wx * wy;
                        sum += a * src[(y0 + sy) * w + x0 + sx];
                        area += a;
                    }
                }
                out[oy * sw + ox] = area > 0 ? sum / area : 0;
            }
        }
        return out;
    }

    /** Luminance in [0, 1] (1 = white), alpha composited over white. */
    static double[] grey(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        double[] g = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                double a = ((argb >>> 24) & 0xff) / 255.0;
                double lum = (0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff)) / 255.0;
                g[y * w + x] = a * lum + (1 - a);
            }
        }
        return g;
    }

    static double[] border(double[] v, int w, int h) {
        double[] b = new double[h == 1 || w == 1 ? w * h : 2 * w + 2 * (h - 2)];
        int k = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((y == 0 || y == h - 1 || x == 0 || x == w - 1) && k < b.length) {
                    b[k++] = v[y * w + x];
                }
            }
        }
        return Arrays.copyOf(b, k);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length == 0 ? 0 : c[c.length / 2];
    }
}
