package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.kernels.Gemm;
import dev.chainrule.kernels.Parallelism;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-d convolution (cross-correlation, as every framework computes it):
 * {@code y[o, oy, ox] = b[o] + Σ_{c,ky,kx} K[o, c, ky, kx] · x[c, s·oy + ky − pt, s·ox + kx − pl]}, with zero
 * outside the input. Rows are channel-major images ({@link Shape}); K is {@code C_out×C_in×k_h×k_w}.
 *
 * <p>Computed through im2col: the receptive fields of a row become a {@code P × K_d} matrix X (P output pixels,
 * {@code K_d = C_in·k_h·k_w}), and then every product is one {@link Gemm} call — {@code Y_b = K·X_bᵀ} written
 * straight into the channel-major output row, {@code D_K += Gᵀ·X} over the whole batch (one product whose k
 * dimension is (row, pixel)), {@code dX_b = G_bᵀ·K} scattered back by col2im. Measured against direct loops on
 * the convnet's second layer (64@3×3 over 32×11×11), im2col + the packed product was the faster one: the direct
 * form re-reads the 3×3 window for every output channel, where the product keeps a 4×8 tile in registers.
 *
 * <p>Threads: the forward and input-gradient products run one row of the batch per thread part (disjoint
 * outputs); the kernel gradient is split by {@link Gemm} over output blocks. No sum is split, so the weights
 * are bitwise the same for any thread count.
 */
final class Conv2d implements Layer {
    private final String type;
    private final Shape in;
    private final Shape out;
    private final int cin;
    private final int h;
    private final int w;
    private final int cout;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int pt;
    private final int pl;
    private final int oh;
    private final int ow;
    /** Output pixels per channel. */
    private final int pixels;
    /** {@code C_in·k_h·k_w}, the length of one receptive field. */
    private final int kd;
    private final Parameter kernel;
    private final Parameter bias;

    private Tensor y;
    private Tensor x;
    private double[] cols = new double[0];
    private double[] gt = new double[0];
    private Tensor dx;

    Conv2d(String type, Shape input, int filters, int[] k, int[] stride, boolean same, String init, long seed) {
        this.type = type;
        this.in = input;
        this.cin = input.dim(0);
        this.h = input.dim(1);
        this.w = input.dim(2);
        this.cout = filters;
        this.kh = k[0];
        this.kw = k[1];
        this.sh = stride[0];
        this.sw = stride[1];
        if (same) {
            // TensorFlow's "same": ⌈H/s⌉ outputs, the odd padding pixel at the bottom/right
            this.oh = (h + sh - 1) / sh;
            this.ow = (w + sw - 1) / sw;
            this.pt = Math.max((oh - 1) * sh + kh - h, 0) / 2;
            this.pl = Math.max((ow - 1) * sw + kw - w, 0) / 2;
        } else {
            this.oh = (h - kh) / sh + 1;
            this.ow = (w - kw) / sw + 1;
            this.pt = 0;
            this.pl = 0;
        }
        this.pixels = oh * ow;
        this.kd = cin * kh * kw;
        this.out = Shape.image(cout, oh, ow);
        this.kernel = Parameter.tensor("K", cout, cin, kh, kw);
        this.bias = Parameter.vector("b", cout);
        initialise(init, seed);
    }

    private void initialise(String init, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = kernel.value();
        int fanIn = kd;
        int fanOut = cout * kh * kw;
        if (init.equals("he-normal")) {
            double sd = Math.sqrt(2.0 / fanIn);
            for (int i = 0; i < v.length; i++) {
                v[i] = sd * rng.nextGaussian();
            }
        } else {
            double a = Math.sqrt(6.0 / (fanIn + fanOut));
            for (int i = 0; i < v.length; i++) {
                v[i] = rng.nextDouble(-a, a);
            }
        }
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int inputSize() {
        return in.size();
    }

    @Override
    public int outputSize() {
        return out.size();
    }

    @Override
    public Shape inputShape() {
        return in;
    }

    @Override
    public Shape outputShape() {
        return out;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(kernel, bias);
    }

    /** Rows per thread part below which one thread does the whole batch. */
    private int parts(int batch) {
        long work = (long) batch * pixels * kd * cout;
        return work < Gemm.MIN_PARALLEL_WORK ? 1 : Math.min(Parallelism.threads(), batch);
    }

    @Override
    public Tensor forward(Tensor input, ForwardContext context) {
        int batch = input.rows();
        this.x = input;
        y = Tensor.reuse(y, batch, out.size());
        int need = batch * pixels * kd;
        if (cols.length != need) {
            cols = new double[need];
        }
        double[] xs = input.data();
        double[] ys = y.data();
        double[] k = kernel.value();
        double[] b = bias.value();
        int parts = parts(batch);
        Parallelism.run(parts, t -> {
            int r1 = Parallelism.split(batch, parts, t + 1);
            for (int r = Parallelism.split(batch, parts, t); r < r1; r++) {
                im2col(xs, r * in.size(), cols, r * pixels * kd);
                int yo = r * out.size();
                Gemm.multiply(false, true, cout, pixels, kd, k, 0, kd, cols, r * pixels * kd, kd, ys, yo, pixels, false, 1);
                for (int o = 0; o < cout; o++) {
                    double bo = b[o];
                    int base = yo + o * pixels;
                    for (int p = 0; p < pixels; p++) {
                        ys[base + p] += bo;
                    }
                }
            }
        });
        return y;
    }

    /** The receptive fields of one row as a {@code P × K_d} block (zeros where the window leaves the image). */
    void im2col(double[] xs, int xo, double[] dst, int d) {
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int iy0 = oy * sh - pt;
                int ix0 = ox * sw - pl;
                for (int c = 0; c < cin; c++) {
                    int cb = xo + c * h * w;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = iy0 + ky;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(dst, d, d + kw, 0.0);
                            d += kw;
                            continue;
                        }
                        int rowBase = cb + iy * w;
                        if (ix0 >= 0 && ix0 + kw <= w) {
                            System.arraycopy(xs, rowBase + ix0, dst, d, kw);
                            d += kw;
                        } else {
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ix0 + kx;
                                dst[d++] = ix >= 0 && ix < w ? xs[rowBase + ix] : 0.0;
                            }
                        }
                    }
                }
            }
        }
    }

    /** Adds a {@code P × K_d} block of receptive-field gradients back onto the image row (im2col's transpose). */
    private void col2im(double[] src, int s, double[] dxs, int xo) {
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int iy0 = oy * sh - pt;
                int ix0 = ox * sw - pl;
                for (int c = 0; c < cin; c++) {
                    int cb = xo + c * h * w;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = iy0 + ky;
                        if (iy < 0 || iy >= h) {
                            s += kw;
                            continue;
                        }
                        int rowBase = cb + iy * w;
                        for (int kx = 0; kx < kw; kx++, s++) {
                            int ix = ix0 + kx;
                            if (ix >= 0 && ix < w) {
                                dxs[rowBase + ix] += src[s];
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        int batch = g.rows();
        double[] gs = g.data();
        int m = out.size();
        // D_b: per row, the sum over its pixels, rows in order
        double[] db = bias.grad();
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < cout; o++) {
                int base = r * m + o * pixels;
                double s = 0.0;
                for (int p = 0; p < pixels; p++) {
                    s += gs[base + p];
                }
                db[o] += s;
            }
        }
        // D_K: Gᵀ·X with G as (row, pixel) × channel, one product over the whole batch
        int rowsAll = batch * pixels;
        if (gt.length != rowsAll * cout) {
            gt = new double[rowsAll * cout];
        }
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < cout; o++) {
                int src = r * m + o * pixels;
                int dst = r * pixels * cout + o;
                for (int p = 0; p < pixels; p++) {
                    gt[dst + p * cout] = gs[src + p];
                }
            }
        }
        Gemm.multiply(true, false, cout, kd, rowsAll, gt, 0, cout, cols, 0, kd, kernel.grad(), 0, kd, true);
        if (!propagate) {
            return null;
        }
        dx = Tensor.reuse(dx, batch, in.size());
        double[] dxs = dx.data();
        double[] k = kernel.value();
        int parts = parts(batch);
        double[][] scratch = new double[parts][pixels * kd];
        Parallelism.run(parts, t -> {
            double[] dcol = scratch[t];
            int r1 = Parallelism.split(batch, parts, t + 1);
            for (int r = Parallelism.split(batch, parts, t); r < r1; r++) {
                Gemm.multiply(true, false, pixels, kd, cout, gs, r * m, pixels, k, 0, kd, dcol, 0, kd, false, 1);
                Arrays.fill(dxs, r * in.size(), (r + 1) * in.size(), 0.0);
                col2im(dcol, 0, dxs, r * in.size());
            }
        });
        return dx;
    }

    /** The receptive fields of batch row {@code row} of the last forward call (a copy). */
    private double[] fields(int row) {
        return Arrays.copyOfRange(cols, row * pixels * kd, (row + 1) * pixels * kd);
    }

    @Override
    public Jacobian jacobian(int row) {
        return new InputJacobian(kernel.value().clone());
    }

    @Override
    public Jacobian parameterJacobian(int index, int row) {
        if (index == 0) {
            return new KernelJacobian(fields(row));
        }
        if (index == 1) {
            return new BiasJacobian();
        }
        throw new IndexOutOfBoundsException("conv2d has parameters 0 (K) and 1 (b), not " + index);
    }

    /**
     * {@code D_x}: {@code ∂y[o,oy,ox]/∂x[c,iy,ix] = K[o, c, iy − s·oy + pt, ix − s·ox + pl]} where that index lies
     * in the kernel, else 0. Does not depend on x. Seen as a matrix of {@code C_out × C_in} blocks, each block
     * (one kernel slice) is a banded doubly block-Toeplitz matrix: output row oy touches only the k_h input rows
     * from {@code s·oy − pt}.
     */
    private final class InputJacobian implements Jacobian {
        private final double[] k;

        InputJacobian(double[] k) {
            this.k = k;
        }

        @Override
        public int rows() {
            return out.size();
        }

        @Override
        public int cols() {
            return in.size();
        }

        @Override
        public void vjp(double[] g, int gOff, double[] o, int oOff) {
            Arrays.fill(o, oOff, oOff + in.size(), 0.0);
            double[] dcol = new double[pixels * kd];
            for (int p = 0; p < pixels; p++) {
                for (int q = 0; q < kd; q++) {
                    double s = 0.0;
                    for (int c = 0; c < cout; c++) {
                        s += g[gOff + c * pixels + p] * k[c * kd + q];
                    }
                    dcol[p * kd + q] = s;
                }
            }
            col2im(dcol, 0, o, oOff);
        }

        @Override
        public double[][] toDense() {
            double[][] d = new double[out.size()][in.size()];
            for (int o = 0; o < cout; o++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double[] rowOut = d[(o * oh + oy) * ow + ox];
                        for (int c = 0; c < cin; c++) {
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * sh - pt + ky;
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * sw - pl + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        rowOut[(c * h + iy) * w + ix] = k[((o * cin + c) * kh + ky) * kw + kx];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return d;
        }

        @Override
        public String structure() {
            return "banded block-Toeplitz: " + cout + "×" + cin + " blocks of " + pixels + "×" + (h * w)
                    + ", D_x[(o,oy,ox),(c,iy,ix)] = K[o,c," + offset("iy", "oy", sh, pt) + "," + offset("ix", "ox", sw, pl) + "]";
        }
    }

    /** {@code iy − s·oy + p} with the trivial parts left out. */
    private static String offset(String in, String out, int s, int p) {
        return in + "−" + (s == 1 ? "" : s + "·") + out + (p == 0 ? "" : "+" + p);
    }

    /** {@code D_K = I_{C_out} ⊗ X} with X the row's {@code P × K_d} receptive fields (im2col). */
    private final class KernelJacobian implements Jacobian {
        private final double[] fields;

        KernelJacobian(double[] fields) {
            this.fields = fields;
        }

        @Override
        public int rows() {
            return out.size();
        }

        @Override
        public int cols() {
            return kernel.size();
        }

        @Override
        public void vjp(double[] g, int gOff, double[] o, int oOff) {
            for (int c = 0; c < cout; c++) {
                for (int q = 0; q < kd; q++) {
                    double s = 0.0;
                    for (int p = 0; p < pixels; p++) {
                        s += g[gOff + c * pixels + p] * fields[p * kd + q];
                    }
                    o[oOff + c * kd + q] = s;
                }
            }
        }

        @Override
        public String structure() {
            return "I_" + cout + " ⊗ im2col(x) (" + pixels + "×" + kd + " receptive fields)";
        }
    }

    /** {@code D_b = I_{C_out} ⊗ 1_P}: each bias moves its whole output channel. */
    private final class BiasJacobian implements Jacobian {
        @Override
        public int rows() {
            return out.size();
        }

        @Override
        public int cols() {
            return cout;
        }

        @Override
        public void vjp(double[] g, int gOff, double[] o, int oOff) {
            for (int c = 0; c < cout; c++) {
                double s = 0.0;
                for (int p = 0; p < pixels; p++) {
                    s += g[gOff + c * pixels + p];
                }
                o[oOff + c] = s;
            }
        }

        @Override
        public String structure() {
            return "I_" + cout + " ⊗ 1_" + pixels;
        }
    }
}
