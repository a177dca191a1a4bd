package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.RandomSource;
import dev.chainrule.api.Shape;
import dev.chainrule.api.support.VjpJacobian;
import java.util.Arrays;

/**
 * Random translation, an augmentation: in training each row's {@code C×H×W} image is moved by an integer
 * {@code (dy, dx)}, each drawn uniformly from {@code [−max, max]}, and the pixels it vacates take the value
 * {@code fill}:
 *
 * <pre>
 *   y[c, i, j] = x[c, i − dy, j − dx]   when 0 ≤ i − dy &lt; H and 0 ≤ j − dx &lt; W,
 *   y[c, i, j] = fill                   otherwise
 * </pre>
 *
 * (positive dy moves the picture down, positive dx to the right; every channel moves together). The shift of
 * row b is {@code dy = ⌊(2·max+1)·u₀⌋ − max}, {@code dx = ⌊(2·max+1)·u₁⌋ − max} with
 * {@code u_k = context.random(b).uniform(k)}: a pure function of (run seed, stage position, step, row), so the
 * same context gives the same shifts, and {@code train --resume} draws what an uninterrupted run draws with
 * nothing saved. Inference (and {@code max} 0) is the identity and draws nothing.
 *
 * <p>Jacobian at a row of the last forward: the {@code n×n} 0/1 selection matrix {@code S(dy, dx)},
 * {@code n = C·H·W}, with a 1 at ({@code (c, i, j)}, {@code (c, i − dy, j − dx)}) for each output pixel that has
 * a source, and zero rows for the filled ones (the fill is a constant, so it has no derivative); {@code I} after
 * an inference pass. It is a {@link VjpJacobian} holding the row's shift, recorded at forward. Backward is
 * {@code g·S = Sᵀg}: the gradient moved by {@code (−dy, −dx)} with zeros where it has no source.
 */
public final class RandomShift extends RandomRowStage {
    /** The type id. */
    public static final String TYPE = "random-shift";

    private final int channels;
    private final int height;
    private final int width;
    private final int max;
    private final double fill;
    /** (dy, dx) of each row of the last training batch. */
    private int[] shifts = new int[0];

    /**
     * @param shape a {@code C×H×W} image
     * @param max the largest shift in pixels, {@code 0 ≤ max < min(H, W)}
     * @param fill the value of the vacated pixels
     */
    public RandomShift(Shape shape, int max, double fill) {
        super(TYPE, Images.requireImage(shape), shape);
        this.channels = shape.dim(0);
        this.height = shape.dim(1);
        this.width = shape.dim(2);
        if (max < 0 || max >= Math.min(height, width)) {
            throw new IllegalArgumentException("random-shift: max must be in [0, min(H, W)) = [0, "
                    + Math.min(height, width) + ") for " + shape + ", got " + max);
        }
        if (!Double.isFinite(fill)) {
            throw new IllegalArgumentException("random-shift: fill must be finite, got " + fill);
        }
        this.max = max;
        this.fill = fill;
    }

    public int max() {
        return max;
    }

    public double fill() {
        return fill;
    }

    /** The shift {@code {dy, dx}} of {@code row} in the last forward ({0, 0} after inference). */
    public int[] shift(int row) {
        checkRow(row);
        return lastTraining() ? new int[] {shifts[2 * row], shifts[2 * row + 1]} : new int[2];
    }

    /** One draw in {@code [−max, max]}, uniform; index 0 is dy, 1 is dx. */
    static int draw(RandomSource r, long index, int max) {
        int span = 2 * max + 1;
        // (1 − 2⁻⁵³)·span can round up to span: clamp so that u < 1 always lands in the last bucket
        return Math.min((int) (r.uniform(index) * span), span - 1) - max;
    }

    @Override
    protected boolean active() {
        return max > 0;
    }

    @Override
    protected void forwardTraining(double[] xs, double[] y, int batch, ForwardContext context) {
        if (shifts.length < 2 * batch) {
            shifts = new int[2 * batch];
        }
        int[] sh = shifts;
        parallelRows(batch, b -> {
            RandomSource r = context.random(b);
            int dy = draw(r, 0, max);
            int dx = draw(r, 1, max);
            sh[2 * b] = dy;
            sh[2 * b + 1] = dx;
            shift(xs, b * n, y, b * n, channels, height, width, dy, dx, fill);
        });
    }

    @Override
    protected Jacobian trainingJacobian(int row) {
        int dy = shifts[2 * row];
        int dx = shifts[2 * row + 1];
        int c = channels;
        int h = height;
        int w = width;
        // the base point is the shift itself (copied by VjpJacobian), not the stage's live buffers
        return VjpJacobian.at(new double[] {dy, dx}, n, n, "S(dy=" + dy + ", dx=" + dx + ") 0/1 selection",
                (s, g, go, out, oo) -> shift(g, go, out, oo, c, h, w, -(int) s[0], -(int) s[1], 0.0));
    }

    @Override
    protected void backwardTraining(double[] gs, double[] out, int batch) {
        int[] sh = shifts;
        // g·S = Sᵀg: the opposite shift, zeros where no output pixel read the input pixel
        parallelRows(batch, b -> shift(gs, b * n, out, b * n, channels, height, width, -sh[2 * b],
                -sh[2 * b + 1], 0.0));
    }

    /**
     * {@code dst[c, i, j] = src[c, i − dy, j − dx]} where that is inside the image, else {@code fill}, for one
     * {@code C×H×W} row at offsets {@code so} and {@code dOff}; every entry of the destination row is written.
     */
    static void shift(double[] src, int so, double[] dst, int dOff, int c, int h, int w, int dy, int dx,
            double fill) {
        int j0 = Math.max(0, dx);          // output columns [j0, j1) have a source column
        int j1 = Math.min(w, w + dx);
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                int o = dOff + (ch * h + i) * w;
                int si = i - dy;
                if (si < 0 || si >= h || j0 >= j1) {
                    Arrays.fill(dst, o, o + w, fill);
                    continue;
                }
                Arrays.fill(dst, o, o + j0, fill);
                System.arraycopy(src, so + (ch * h + si) * w + j0 - dx, dst, o + j0, j1 - j0);
                Arrays.fill(dst, o + j1, o + w, fill);
            }
        }
    }
}
