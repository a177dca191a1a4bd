package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.RandomSource;
import dev.chainrule.api.Shape;
import dev.chainrule.api.support.VjpJacobian;

/**
 * Random mirroring, an augmentation: in training each row's {@code C×H×W} image is flipped left–right with
 * probability {@code p} (when {@code horizontal}) and, independently, upside down with probability {@code p}
 * (when {@code vertical}):
 *
 * <pre>
 *   y[c, i, j] = x[c, v ? H−1−i : i, h ? W−1−j : j]
 * </pre>
 *
 * with {@code h = horizontal ∧ u₀ < p}, {@code v = vertical ∧ u₁ < p} and {@code u_k = context.random(b).uniform(k)}
 * for row b (index 0 is always the horizontal draw and 1 the vertical one, so switching one axis on or off
 * leaves the other's draws alone). The flips are a pure function of (run seed, stage position, step, row): the
 * same context gives the same flips, and {@code train --resume} draws what an uninterrupted run draws.
 * Inference (and {@code p} 0) is the identity and draws nothing.
 *
 * <p>Jacobian at a row of the last forward: the {@code n×n} permutation matrix {@code P(h, v)},
 * {@code n = C·H·W}, a {@link VjpJacobian} holding the row's flips; {@code I} after an inference pass. A flip
 * is its own inverse, so {@code P} is symmetric and backward {@code g·P} flips the gradient the same way.
 */
public final class RandomFlip extends RandomRowStage {
    /** The type id. */
    public static final String TYPE = "random-flip";

    private final int channels;
    private final int height;
    private final int width;
    private final boolean horizontal;
    private final boolean vertical;
    private final double p;
    /** Per row of the last training batch: bit 0 = flipped left–right, bit 1 = flipped upside down. */
    private byte[] flips = new byte[0];

    /**
     * @param shape a {@code C×H×W} image
     * @param horizontal whether rows may be flipped left–right
     * @param vertical whether rows may be flipped upside down
     * @param p the probability of each enabled flip, in [0, 1]
     */
    public RandomFlip(Shape shape, boolean horizontal, boolean vertical, double p) {
        super(TYPE, Images.requireImage(shape), shape);
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("random-flip: p must be in [0, 1], got " + p);
        }
        if (!horizontal && !vertical) {
            throw new IllegalArgumentException("random-flip: horizontal and vertical are both false");
        }
        this.channels = shape.dim(0);
        this.height = shape.dim(1);
        this.width = shape.dim(2);
        this.horizontal = horizontal;
        this.vertical = vertical;
        this.p = p;
    }

    public boolean horizontal() {
        return horizontal;
    }

    public boolean vertical() {
        return vertical;
    }

    public double p() {
        return p;
    }

    /** {@code {left–right, upside down}} of {@code row} in the last forward (both false after inference). */
    public boolean[] flips(int row) {
        checkRow(row);
        int f = lastTraining() ? flips[row] : 0;
        return new boolean[] {(f & 1) != 0, (f & 2) != 0};
    }

    @Override
    protected boolean active() {
        return p > 0.0;
    }

    @Override
    protected void forwardTraining(double[] xs, double[] y, int batch, ForwardContext context) {
        if (flips.length < batch) {
            flips = new byte[batch];
        }
        byte[] fl = flips;
        parallelRows(batch, b -> {
            RandomSource r = context.random(b);
            boolean h = horizontal && r.bernoulli(p, 0);
            boolean v = vertical && r.bernoulli(p, 1);
            fl[b] = (byte) ((h ? 1 : 0) | (v ? 2 : 0));
            flip(xs, b * n, y, b * n, channels, height, width, h, v);
        });
    }

    @Override
    protected Jacobian trainingJacobian(int row) {
        int f = flips[row];
        boolean h = (f & 1) != 0;
        boolean v = (f & 2) != 0;
        int c = channels;
        int hh = height;
        int w = width;
        String which = h && v ? "left–right and upside down" : h ? "left–right" : v ? "upside down" : "none";
        // the base point is the row's flips (copied by VjpJacobian), not the stage's live buffers
        return VjpJacobian.at(new double[] {h ? 1 : 0, v ? 1 : 0}, n, n, "P(flip " + which + ") permutation",
                (s, g, go, out, oo) -> flip(g, go, out, oo, c, hh, w, s[0] != 0, s[1] != 0));
    }

    @Override
    protected void backwardTraining(double[] gs, double[] out, int batch) {
        byte[] fl = flips;
        // g·P = Pᵀg = Pg: a flip undoes itself
        parallelRows(batch, b -> flip(gs, b * n, out, b * n, channels, height, width, (fl[b] & 1) != 0,
                (fl[b] & 2) != 0));
    }

    /**
     * {@code dst[c, i, j] = src[c, v ? H−1−i : i, h ? W−1−j : j]} for one {@code C×H×W} row at offsets
     * {@code so} and {@code dOff}.
     */
    static void flip(double[] src, int so, double[] dst, int dOff, int c, int hh, int w, boolean h, boolean v) {
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < hh; i++) {
                int o = dOff + (ch * hh + i) * w;
                int s = so + (ch * hh + (v ? hh - 1 - i : i)) * w;
                if (!h) {
                    System.arraycopy(src, s, dst, o, w);
                } else {
                    for (int j = 0; j < w; j++) {
                        dst[o + j] = src[s + w - 1 - j];
                    }
                }
            }
        }
    }
}
