package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.Parallelism;
import java.util.Arrays;

/**
 * Max or average pooling over {@code k_h×k_w} windows moved by the stride, per channel: {@code C×H×W →
 * C×OH×OW} with {@code OH = ⌊(H − k_h)/s_h⌋ + 1}. A window that does not tile the input floors: the last
 * rows and columns that do not fill a whole window are dropped (as Keras' and PyTorch's default pooling do).
 *
 * <p>Max pooling's Jacobian is a selection matrix, one 1 per output row at the window's maximum. Ties go to
 * the first maximum in row-major window order (a strict {@code >} scan), so the chosen entry — and the
 * gradient — never depends on anything but the values. Average pooling's is {@code 1/(k_h·k_w)} on the
 * window.
 */
final class Pool2d extends ShapedStage implements Transform {
    private final boolean max;
    private final int c;
    private final int h;
    private final int w;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int oh;
    private final int ow;

    private Tensor y;
    private Tensor dx;
    /** For max pooling: the input index (within the row) chosen by each output of the last forward call. */
    private int[] argmax = new int[0];

    Pool2d(String type, boolean max, Shape input, int[] k, int[] stride) {
        super(type, input, Shape.image(input.dim(0), (input.dim(1) - k[0]) / stride[0] + 1,
                (input.dim(2) - k[1]) / stride[1] + 1));
        this.max = max;
        this.c = input.dim(0);
        this.h = input.dim(1);
        this.w = input.dim(2);
        this.kh = k[0];
        this.kw = k[1];
        this.sh = stride[0];
        this.sw = stride[1];
        this.oh = (h - kh) / sh + 1;
        this.ow = (w - kw) / sw + 1;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        int batch = x.rows();
        y = Tensor.reuseFront(y, batch, outputSize());
        double[] xs = x.data();
        double[] ys = y.data();
        int n = inputSize();
        int m = outputSize();
        if (max && argmax.length < batch * m) {
            argmax = new int[batch * m];
        }
        int[] am = argmax;
        int parts = parts(batch);
        // rows are independent and each writes only its own outputs: any thread count gives the same bits
        Parallelism.run(parts, t -> {
            int r1 = Parallelism.split(batch, parts, t + 1);
            for (int r = Parallelism.split(batch, parts, t); r < r1; r++) {
                forwardRow(xs, r * n, ys, am, r * m);
            }
        });
        return y;
    }

    /** Rows per call below which pooling stays on the calling thread. */
    private int parts(int batch) {
        return (long) batch * inputSize() < Parallelism.MIN_WORK ? 1 : Math.min(Parallelism.threads(), batch);
    }

    private void forwardRow(double[] xs, int xo, double[] ys, int[] am, int j) {
        if (max && kh == 2 && kw == 2) {
            maxRow2x2(xs, xo, ys, am, j);
            return;
        }
        double inv = 1.0 / (kh * kw);
        for (int ch = 0; ch < c; ch++) {
            int cb = ch * h * w;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, j++) {
                    int first = cb + oy * sh * w + ox * sw;
                    if (max) {
                        int best = first;
                        double bv = xs[xo + first];
                        for (int ky = 0; ky < kh; ky++) {
                            int rowStart = first + ky * w;
                            for (int kx = 0; kx < kw; kx++) {
                                double v = xs[xo + rowStart + kx];
                                if (v > bv) {
                                    bv = v;
                                    best = rowStart + kx;
                                }
                            }
                        }
                        ys[j] = bv;
                        am[j] = best;
                    } else {
                        double s = 0.0;
                        for (int ky = 0; ky < kh; ky++) {
                            int rowStart = xo + first + ky * w;
                            for (int kx = 0; kx < kw; kx++) {
                                s += xs[rowStart + kx];
                            }
                        }
                        ys[j] = s * inv;
                    }
                }
            }
        }
    }

    /**
     * {@link #forwardRow} for the common 2×2 max window: the same strict-{@code >} scan in row-major window
     * order (so the same maximum and the same tie rule), unrolled and written as selects, which the JIT can
     * compile without the branches a random image mispredicts half the time.
     */
    private void maxRow2x2(double[] xs, int xo, double[] ys, int[] am, int j) {
        for (int ch = 0; ch < c; ch++) {
            int cb = ch * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int rowFirst = cb + oy * sh * w;
                for (int ox = 0; ox < ow; ox++, j++) {
                    int i0 = rowFirst + ox * sw;
                    int i2 = i0 + w;
                    double v0 = xs[xo + i0];
                    double v1 = xs[xo + i0 + 1];
                    double v2 = xs[xo + i2];
                    double v3 = xs[xo + i2 + 1];
                    boolean u1 = v1 > v0;
                    double bv = u1 ? v1 : v0;
                    int best = u1 ? i0 + 1 : i0;
                    boolean u2 = v2 > bv;
                    bv = u2 ? v2 : bv;
                    best = u2 ? i2 : best;
                    boolean u3 = v3 > bv;
                    ys[j] = u3 ? v3 : bv;
                    am[j] = u3 ? i2 + 1 : best;
                }
            }
        }
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (!propagate) {
            return null;
        }
        int batch = g.rows();
        dx = Tensor.reuseFront(dx, batch, inputSize());
        double[] gs = g.data();
        double[] dxs = dx.data();
        int parts = parts(batch);
        Parallelism.run(parts, t -> {
            int r0 = Parallelism.split(batch, parts, t);
            int r1 = Parallelism.split(batch, parts, t + 1);
            for (int r = r0; r < r1; r++) {
                // zeroed row by row, so that the row is still in cache when its gradients are added
                Arrays.fill(dxs, r * inputSize(), (r + 1) * inputSize(), 0.0);
                vjpRow(r, gs, r * outputSize(), dxs, r * inputSize());
            }
        });
        return dx;
    }

    /** {@code g·D_x} of batch row {@code r} added onto {@code o} (which the caller zeroed). */
    private void vjpRow(int r, double[] g, int gOff, double[] o, int oOff) {
        int m = outputSize();
        if (max) {
            for (int j = 0; j < m; j++) {
                o[oOff + argmax[r * m + j]] += g[gOff + j];
            }
            return;
        }
        double inv = 1.0 / (kh * kw);
        int j = 0;
        for (int ch = 0; ch < c; ch++) {
            int cb = ch * h * w;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, j++) {
                    double share = g[gOff + j] * inv;
                    int first = cb + oy * sh * w + ox * sw;
                    for (int ky = 0; ky < kh; ky++) {
                        int rowStart = oOff + first + ky * w;
                        for (int kx = 0; kx < kw; kx++) {
                            o[rowStart + kx] += share;
                        }
                    }
                }
            }
        }
    }

    @Override
    public Jacobian jacobian(int row) {
        int[] chosen = max ? Arrays.copyOfRange(argmax, row * outputSize(), (row + 1) * outputSize()) : null;
        return new PoolJacobian(row, chosen);
    }

    /** D_x of one row: the selection of each window's maximum, or 1/(k_h·k_w) on each window. */
    private final class PoolJacobian implements Jacobian {
        private final int row;
        private final int[] chosen;

        PoolJacobian(int row, int[] chosen) {
            this.row = row;
            this.chosen = chosen;
        }

        @Override
        public int rows() {
            return outputSize();
        }

        @Override
        public int cols() {
            return inputSize();
        }

        @Override
        public void vjp(double[] g, int gOff, double[] o, int oOff) {
            Arrays.fill(o, oOff, oOff + inputSize(), 0.0);
            if (chosen != null) {
                for (int j = 0; j < chosen.length; j++) {
                    o[oOff + chosen[j]] += g[gOff + j];
                }
            } else {
                vjpRow(row, g, gOff, o, oOff);
            }
        }

        @Override
        public String structure() {
            String win = kh + "×" + kw + " windows, stride " + sh + "×" + sw;
            return max ? "selection: one 1 per row at its window's first maximum (" + win + ")"
                    : "1/" + (kh * kw) + " on each row's window (" + win + ")";
        }
    }
}
