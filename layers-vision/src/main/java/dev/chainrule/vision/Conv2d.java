package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.Gemm;
import dev.chainrule.kernels.Parallelism;
import dev.chainrule.kernels.Sums;
import dev.chainrule.kernels.Winograd;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-d convolution (cross-correlation, as every framework computes it):
 * {@code y[o, oy, ox] = b[o] + Σ_{c,ky,kx} K[o, c, ky, kx] · x[c, s·oy + ky − pt, s·ox + kx − pl]}, with zero
 * outside the input. Rows are channel-major images ({@link Shape}); K is {@code C_out×C_in×k_h×k_w}.
 *
 * <p>Computed as matrix products over the receptive fields: row b's fields form a {@code P × K_d} matrix X_b
 * (P output pixels, {@code K_d = C_in·k_h·k_w}; im2col), and every product is one {@link Gemm} call —
 * {@code Y_b = K·X_bᵀ} written straight into the channel-major output row, {@code D_K += G_b·X_b} row after row,
 * {@code dX_b = G_bᵀ·K} scattered back by col2im. X_b is never written out: the products read it from the
 * image through two offset tables (window entry + pixel position, {@link Gemm.Gathered}) straight into their
 * packed panels, which saves the copy and the {@code B·P·K_d} buffer training would otherwise keep (36 MB for
 * the convnet's second layer at batch 128). Measured against direct loops on the convnet's second layer
 * (64@3×3 over 32×11×11), the products were the faster: the direct form re-reads the 3×3 window for every
 * output channel, where the product keeps a 4×8 tile in registers.
 *
 * <p>3×3 stride-1 convolutions over at least {@link #WINOGRAD_MIN_CHANNELS} input channels run Winograd's
 * F(2×2, 3×3) instead ({@link Winograd}): sixteen products of {@code C_out × C_in} by {@code C_in × T} per row
 * (T tiles of 2×2 output pixels), 2.25× fewer multiply-adds than the direct form, and the same tiles'
 * adjoints for both gradients (no col2im). Its sums are grouped differently, so its results differ from the
 * direct form's by rounding (the tests bound the normwise difference by 1e-13). With one input channel (a
 * first layer) the products have depth 1 and the transformed tiles take more memory traffic than they save
 * multiply-adds, so those layers keep the direct form. {@code -Dchainrule.conv.winograd=false} turns it off.
 *
 * <p>Threads: the forward and input-gradient products run one row of the batch per thread part (disjoint
 * outputs); the kernel gradient is split by {@link Gemm} over output blocks (direct form) or summed per
 * fixed chunk of {@link #WINOGRAD_CHUNK} rows, chunks then added in order (Winograd). No sum depends on the
 * split, so the weights are bitwise the same for any thread count.
 */
final class Conv2d extends ShapedStage implements Layer {
    /** Input channels from which a 3×3 stride-1 convolution runs Winograd's F(2×2, 3×3). */
    static final int WINOGRAD_MIN_CHANNELS = 8;
    /** Rows per partial kernel gradient in the Winograd backward pass: fixed, so the sums do not depend on threads. */
    static final int WINOGRAD_CHUNK = 16;
    /** Rows whose tiles share one product (2 × the convnet's 36 tiles = 72 = 12 whole 6-row slivers). */
    static final int WINOGRAD_ROWS = 2;
    /** Doubles between two ξ blocks of the Winograd buffers (one cache line). */
    private static final int XI_SKEW = 8;
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

    /** Height and width of an input image with its zero padding ("same"); h and w when there is none. */
    private final int hp;
    private final int wp;
    /**
     * Receptive fields as two offset tables into the (padded) image: entry q = (c, ky, kx) of pixel p = (oy, ox)
     * is at {@code pixelOffsets[p] + windowOffsets[q]}. The products read the fields through them
     * ({@link Gemm.Gathered}), so no {@code P × K_d} matrix is written or kept.
     */
    private final int[] windowOffsets;
    private final int[] pixelOffsets;

    /** Winograd F(2×2, 3×3) in use; its tiles ({@code th × tw}) and zero-bordered image ({@code C_in × h2 × w2}). */
    private final boolean winograd;
    private final int th;
    private final int tw;
    private final int wtiles;
    private final int h2;
    private final int w2;
    private double[][] winoScratch = new double[0][];
    private double[] winoKernel;
    private double[] winoGrad = new double[0];

    private Tensor y;
    private Tensor x;
    private double[][] rowScratch = new double[0][];
    private double[][] padScratch = new double[0][];
    private Tensor dx;

    Conv2d(String type, Shape input, int filters, int[] k, int[] stride, boolean same, String init, long seed) {
        super(type, input, outputShape(input, filters, k, stride, same));
        this.cin = input.dim(0);
        this.h = input.dim(1);
        this.w = input.dim(2);
        this.cout = filters;
        this.kh = k[0];
        this.kw = k[1];
        this.sh = stride[0];
        this.sw = stride[1];
        this.oh = outputShape().dim(1);
        this.ow = outputShape().dim(2);
        // TensorFlow's "same" puts the odd padding pixel at the bottom/right
        this.pt = same ? Math.max((oh - 1) * sh + kh - h, 0) / 2 : 0;
        this.pl = same ? Math.max((ow - 1) * sw + kw - w, 0) / 2 : 0;
        this.pixels = oh * ow;
        this.kd = cin * kh * kw;
        this.hp = pt + Math.max(h, (oh - 1) * sh + kh - pt);
        this.wp = pl + Math.max(w, (ow - 1) * sw + kw - pl);
        this.windowOffsets = new int[kd];
        for (int c = 0, q = 0; c < cin; c++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, q++) {
                    windowOffsets[q] = (c * hp + ky) * wp + kx;
                }
            }
        }
        this.pixelOffsets = new int[pixels];
        for (int oy = 0, p = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++, p++) {
                pixelOffsets[p] = oy * sh * wp + ox * sw;
            }
        }
        this.winograd = kh == 3 && kw == 3 && sh == 1 && sw == 1 && cin >= WINOGRAD_MIN_CHANNELS
                && !"false".equals(System.getProperty("chainrule.conv.winograd"));
        this.th = (oh + 1) / 2;
        this.tw = (ow + 1) / 2;
        this.wtiles = th * tw;
        this.h2 = 2 * th + 2;
        this.w2 = 2 * tw + 2;
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
    public List<Parameter> parameters() {
        return List.of(kernel, bias);
    }

    /** Rows per thread part below which one thread does the whole batch. */
    private int parts(int batch) {
        long work = (long) batch * pixels * kd * cout;
        return work < Gemm.MIN_PARALLEL_WORK ? 1 : Math.min(Parallelism.threads(), batch);
    }

    /** {@code C_out × OH × OW}: "same" gives TensorFlow's {@code ⌈H/s⌉}, "valid" {@code ⌊(H − k)/s⌋ + 1}. */
    private static Shape outputShape(Shape input, int filters, int[] k, int[] stride, boolean same) {
        int h = input.dim(1);
        int w = input.dim(2);
        return same ? Shape.image(filters, (h + stride[0] - 1) / stride[0], (w + stride[1] - 1) / stride[1])
                : Shape.image(filters, (h - k[0]) / stride[0] + 1, (w - k[1]) / stride[1] + 1);
    }

    @Override
    public Tensor forward(Tensor input, ForwardContext context) {
        int batch = input.rows();
        this.x = input;
        y = Tensor.reuseFront(y, batch, outputSize());
        int parts = parts(batch);
        double[] xs = input.data();
        double[] ys = y.data();
        if (winograd) {
            forwardWinograd(batch, parts, xs, ys);
            return y;
        }
        double[][] pads = padScratch(parts);
        // K packed once for the whole batch (it is the left operand of every row's product)
        Gemm.Packed kp = Gemm.packLeft(false, cout, kd, kernel.value(), 0, kd);
        double[] b = bias.value();
        Parallelism.run(parts, t -> {
            int r1 = Parallelism.split(batch, parts, t + 1);
            for (int r = Parallelism.split(batch, parts, t); r < r1; r++) {
                int yo = r * outputSize();
                // Y_r = K·X_rᵀ, X_r's fields read through the tables (B(q, p) = image[pixel p + window q])
                Gemm.multiply(kp, fieldsTransposed(xs, r, pads, t), pixels, ys, yo, pixels, false);
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

    /** {@code U = (G g Gᵀ)} of the current kernel ({@link Winograd#kernelTransform}), into a kept buffer. */
    private double[] winogradKernel() {
        if (winoKernel == null) {
            winoKernel = new double[Winograd.XI * cout * cin];
        }
        Winograd.kernelTransform(kernel.value(), cout, cin, winoKernel);
        return winoKernel;
    }

    /**
     * Thread t's buffers for groups of {@link #WINOGRAD_ROWS} rows: [4t] the zero-bordered image, [4t+1] V
     * ({@code 16 × C_in × n}), [4t+2] M ({@code 16 × n × C_out}) or dM ({@code 16 × C_out × n}), [4t+3] dV
     * ({@code 16 × n × C_in}); n = rows·T.
     * Each ξ block is followed by {@link #XI_SKEW} unused doubles ({@link #xiStride}).
     */
    private double[][] winogradScratch(int parts) {
        if (winoScratch.length < 4 * parts) {
            int n = WINOGRAD_ROWS * wtiles;
            double[][] grown = Arrays.copyOf(winoScratch, 4 * parts);
            for (int t = winoScratch.length / 4; t < parts; t++) {
                grown[4 * t] = new double[cin * h2 * w2];   // the border stays zero: only the interior is written
                grown[4 * t + 1] = new double[Winograd.XI * xiStride(cin * n)];
                grown[4 * t + 2] = new double[Winograd.XI * xiStride(cout * n)];
                grown[4 * t + 3] = new double[Winograd.XI * xiStride(cin * n)];
            }
            winoScratch = grown;
        }
        return winoScratch;
    }

    /**
     * The distance between ξ blocks of {@code size} doubles: one cache line more, so that the transforms' sixteen
     * streams (one per ξ) do not all fall in the same L1 set when a block is a multiple of 4 KB (the convnet's
     * M: 72 × 64 doubles = 9 × 4 KB; without the skew the output transforms took 31% of a JFR profile of the
     * layer, with it 10–15%).
     */
    private static int xiStride(int size) {
        return size + XI_SKEW;
    }

    /** Row r's image inside the zero border of {@code img} (padding and the round-up to whole tiles). */
    private void winogradImage(double[] xs, int r, double[] img) {
        for (int c = 0; c < cin; c++) {
            for (int iy = 0; iy < h; iy++) {
                System.arraycopy(xs, r * inputSize() + (c * h + iy) * w, img, (c * h2 + iy + pt) * w2 + pl, w);
            }
        }
    }

    /**
     * Forward through F(2×2, 3×3), {@link #WINOGRAD_ROWS} rows at a time: V = Bᵀ d B, {@code M_ξᵀ = V_ξᵀ·U_ξᵀ}
     * for the 16 ξ, y = Aᵀ M A + b. The products run transposed (n × C_in by C_in × C_out): with two rows of the
     * convnet's 36 tiles, n = 72 and C_out = 64 fill whole 6×8 register tiles, where C_out × n would leave edges.
     */
    private void forwardWinograd(int batch, int parts, double[] xs, double[] ys) {
        double[] u = winogradKernel();
        Gemm.Packed[] ut = new Gemm.Packed[Winograd.XI];
        for (int xi = 0; xi < Winograd.XI; xi++) {
            ut[xi] = Gemm.packRight(true, cin, cout, u, xi * cout * cin, cin);
        }
        double[][] ws = winogradScratch(parts);
        double[] b = bias.value();
        Parallelism.run(parts, t -> {
            double[] img = ws[4 * t];
            double[] v = ws[4 * t + 1];
            double[] mm = ws[4 * t + 2];
            int r1 = Parallelism.split(batch, parts, t + 1);
            for (int r0 = Parallelism.split(batch, parts, t); r0 < r1; r0 += WINOGRAD_ROWS) {
                int rows = Math.min(WINOGRAD_ROWS, r1 - r0);
                int n = rows * wtiles;
                int vs = xiStride(cin * n);
                int ms = xiStride(cout * n);
                for (int i = 0; i < rows; i++) {
                    winogradImage(xs, r0 + i, img);
                    Winograd.inputTransform(img, 0, cin, th, tw, v, vs, n, 1, i * wtiles);
                }
                for (int xi = 0; xi < Winograd.XI; xi++) {
                    Gemm.multiply(true, n, v, xi * vs, n, ut[xi], mm, xi * ms, cout, false);
                }
                for (int i = 0; i < rows; i++) {
                    Winograd.outputTransform(mm, ms, 1, cout, i * wtiles, cout, th, tw, b, ys,
                            (r0 + i) * outputSize(), oh, ow);
                }
            }
        });
    }

    /**
     * The kernel and input gradients through F(2×2, 3×3)'s adjoints, {@link #WINOGRAD_ROWS} rows at a time:
     * dM = A dY Aᵀ and V = Bᵀ d B; {@code dU_ξ += dM_ξ·V_ξᵀ} summed per chunk of {@link #WINOGRAD_CHUNK} rows in
     * row order, the chunks added in order, then {@code dK += Gᵀ dU G}; {@code dV_ξᵀ = dM_ξᵀ·U_ξ} and
     * {@code dx = B dV Bᵀ} added over the windows.
     */
    private void backwardWinograd(int batch, int parts, double[] gs, double[] xs, double[] dxs) {
        double[] u = winogradKernel();
        Gemm.Packed[] up = new Gemm.Packed[Winograd.XI];
        if (dxs != null) {
            for (int xi = 0; xi < Winograd.XI; xi++) {
                up[xi] = Gemm.packRight(false, cout, cin, u, xi * cout * cin, cin);
            }
        }
        int chunks = (batch + WINOGRAD_CHUNK - 1) / WINOGRAD_CHUNK;
        int plane = Winograd.XI * cout * cin;
        if (winoGrad.length < chunks * plane) {
            winoGrad = new double[chunks * plane];
        }
        double[] du = winoGrad;
        int cparts = Math.min(parts, chunks);
        double[][] ws = winogradScratch(cparts);
        int m = outputSize();
        Parallelism.run(cparts, t -> {
            double[] img = ws[4 * t];
            double[] v = ws[4 * t + 1];
            double[] dm = ws[4 * t + 2];
            double[] dv = ws[4 * t + 3];
            int ch1 = Parallelism.split(chunks, cparts, t + 1);
            for (int ch = Parallelism.split(chunks, cparts, t); ch < ch1; ch++) {
                int duOff = ch * plane;
                Arrays.fill(du, duOff, duOff + plane, 0.0);
                int end = Math.min(batch, (ch + 1) * WINOGRAD_CHUNK);
                for (int r0 = ch * WINOGRAD_CHUNK; r0 < end; r0 += WINOGRAD_ROWS) {
                    int rows = Math.min(WINOGRAD_ROWS, end - r0);
                    int n = rows * wtiles;
                    int vs = xiStride(cin * n);
                    int ms = xiStride(cout * n);
                    for (int i = 0; i < rows; i++) {
                        winogradImage(xs, r0 + i, img);
                        Winograd.inputTransform(img, 0, cin, th, tw, v, vs, n, 1, i * wtiles);
                        Winograd.outputTransformAdjoint(gs, (r0 + i) * m, cout, th, tw, oh, ow, dm, ms, n, 1,
                                i * wtiles);
                    }
                    for (int xi = 0; xi < Winograd.XI; xi++) {
                        Gemm.multiply(false, true, cout, cin, n, dm, xi * ms, n, v, xi * vs, n,
                                du, duOff + xi * cout * cin, cin, true, 1);
                    }
                    if (dxs == null) {
                        continue;
                    }
                    for (int xi = 0; xi < Winograd.XI; xi++) {
                        Gemm.multiply(true, n, dm, xi * ms, n, up[xi], dv, xi * vs, cin, false);
                    }
                    for (int i = 0; i < rows; i++) {
                        // the image gradient goes to img, whose border is zeroed again for the next row's copy
                        Arrays.fill(img, 0.0);
                        Winograd.inputTransformAdjoint(dv, vs, 1, cin, i * wtiles, cin, th, tw, img, 0);
                        int xo = (r0 + i) * inputSize();
                        for (int c = 0; c < cin; c++) {
                            for (int iy = 0; iy < h; iy++) {
                                System.arraycopy(img, (c * h2 + iy + pt) * w2 + pl, dxs, xo + (c * h + iy) * w, w);
                            }
                        }
                    }
                    Arrays.fill(img, 0.0);
                }
            }
        });
        for (int ch = 1; ch < chunks; ch++) {
            int off = ch * plane;
            for (int i = 0; i < plane; i++) {
                du[i] += du[off + i];
            }
        }
        Winograd.kernelTransformAdjoint(du, cout, cin, kernel.grad());
    }

    /** Row r's image: the input row itself, or (with padding) its copy inside thread t's zero border. */
    private int image(double[] xs, int r, double[][] pads, int t) {
        if (pads == null) {
            return r * inputSize();
        }
        double[] pad = pads[t];
        for (int c = 0; c < cin; c++) {
            for (int iy = 0; iy < h; iy++) {
                System.arraycopy(xs, r * inputSize() + (c * h + iy) * w, pad, (c * hp + iy + pt) * wp + pl, w);
            }
        }
        return 0;
    }

    /** {@code X_rᵀ} ({@code K_d × P}) as a gathered operand. */
    private Gemm.Gathered fieldsTransposed(double[] xs, int r, double[][] pads, int t) {
        int off = image(xs, r, pads, t);
        return new Gemm.Gathered(pads == null ? xs : pads[t], off, windowOffsets, 0, pixelOffsets, 0);
    }

    /** {@code X_r} ({@code P × K_d}), columns from {@code q0}, as a gathered operand. */
    private Gemm.Gathered fields(double[] xs, int r, double[][] pads, int t, int q0) {
        int off = image(xs, r, pads, t);
        return new Gemm.Gathered(pads == null ? xs : pads[t], off, pixelOffsets, 0, windowOffsets, q0);
    }

    /** One zero-bordered image per thread part when the convolution pads ("same"), else null. */
    private double[][] padScratch(int parts) {
        if (hp == h && wp == w) {
            return null;
        }
        if (padScratch.length < parts) {
            double[][] grown = Arrays.copyOf(padScratch, parts);
            for (int t = padScratch.length; t < parts; t++) {
                grown[t] = new double[cin * hp * wp];   // the border stays zero: only the interior is written
            }
            padScratch = grown;
        }
        return padScratch;
    }

    /** One {@code P × K_d} buffer per thread part for the input gradient's fields, kept from call to call. */
    private double[][] scratch(int parts) {
        if (rowScratch.length < parts) {
            double[][] grown = Arrays.copyOf(rowScratch, parts);
            for (int t = rowScratch.length; t < parts; t++) {
                grown[t] = new double[pixels * kd];
            }
            rowScratch = grown;
        }
        return rowScratch;
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

    /**
     * {@link #col2im} without padding, through the offset tables: the same additions in the same order (pixel by
     * pixel, each in (c, ky, kx) order), without the per-window loop nest.
     */
    private void col2imByTables(double[] src, double[] dxs, int xo) {
        int[] win = windowOffsets;
        for (int p = 0, s = 0; p < pixels; p++) {
            int base = xo + pixelOffsets[p];
            for (int q = 0; q < kd; q++, s++) {
                dxs[base + win[q]] += src[s];
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
                        if (ix0 >= 0 && ix0 + kw <= w) {
                            // inside the image: no column test (every window of a "valid" convolution)
                            for (int kx = 0, xi = rowBase + ix0; kx < kw; kx++) {
                                dxs[xi + kx] += src[s++];
                            }
                            continue;
                        }
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
        int m = outputSize();
        // D_b: per channel, one Sums sum over the batch's rows and pixels in that order; threads own channels.
        double[] db = bias.grad();
        int parts = parts(batch);
        double[] dbSums = new double[cout];
        Parallelism.run(parts, t -> Sums.channelSums(gs, 0, batch, m, pixels, Parallelism.split(cout, parts, t),
                Parallelism.split(cout, parts, t + 1), dbSums));
        for (int o = 0; o < cout; o++) {
            db[o] += dbSums[o];
        }
        int rowTiles = (cout + Gemm.MR - 1) / Gemm.MR;
        int colTiles = (kd + Gemm.NR - 1) / Gemm.NR;
        boolean byRows = rowTiles >= colTiles;
        // D_K += G_r·X_r for r = 0, 1, … in order: G_r (C_out × P) is the row's gradient as stored, so no
        // transpose; each entry's fused multiply-add chain runs over (row, pixel) in order, a row boundary only
        // stores the sum and loads it back, so this is bitwise the one product over the whole batch. Threads own
        // blocks of D_K (whole tiles of the longer side) and walk all rows. X_r is read from the input through
        // the offset tables, as in forward.
        if (winograd) {
            double[] dxs = null;
            if (propagate) {
                dx = Tensor.reuseFront(dx, batch, inputSize());
                dxs = dx.data();
            }
            backwardWinograd(batch, parts, gs, x.data(), dxs);
            return propagate ? dx : null;
        }
        double[] dk = kernel.grad();
        int tiles = byRows ? rowTiles : colTiles;
        int kparts = Math.min(parts, tiles);
        double[] xs = x.data();
        double[][] pads = padScratch(kparts);
        Parallelism.run(kparts, t -> {
            int tile = byRows ? Gemm.MR : Gemm.NR;
            int lo = Parallelism.split(tiles, kparts, t) * tile;
            int hi = Math.min(byRows ? cout : kd, Parallelism.split(tiles, kparts, t + 1) * tile);
            if (lo >= hi) {
                return;
            }
            for (int r = 0; r < batch; r++) {
                if (byRows) {
                    Gemm.multiply(false, hi - lo, kd, pixels, gs, r * m + lo * pixels, pixels,
                            fields(xs, r, pads, t, 0), dk, lo * kd, kd, true);
                } else {
                    Gemm.multiply(false, cout, hi - lo, pixels, gs, r * m, pixels,
                            fields(xs, r, pads, t, lo), dk, lo, kd, true);
                }
            }
        });
        if (!propagate) {
            return null;
        }
        dx = Tensor.reuseFront(dx, batch, inputSize());
        double[] dxs = dx.data();
        Gemm.Packed kp = Gemm.packRight(false, cout, kd, kernel.value(), 0, kd);
        double[][] scratch = scratch(parts);
        Parallelism.run(parts, t -> {
            double[] dcol = scratch[t];
            int r1 = Parallelism.split(batch, parts, t + 1);
            for (int r = Parallelism.split(batch, parts, t); r < r1; r++) {
                Gemm.multiply(true, pixels, gs, r * m, pixels, kp, dcol, 0, kd, false);
                Arrays.fill(dxs, r * inputSize(), (r + 1) * inputSize(), 0.0);
                if (hp == h && wp == w) {
                    col2imByTables(dcol, dxs, r * inputSize());
                } else {
                    col2im(dcol, 0, dxs, r * inputSize());
                }
            }
        });
        return dx;
    }

    /** The receptive fields of batch row {@code row} of the last forward call's input, rebuilt (no pass keeps them). */
    private double[] fields(int row) {
        double[] f = new double[pixels * kd];
        im2col(x.data(), row * inputSize(), f, 0);
        return f;
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
            return outputSize();
        }

        @Override
        public int cols() {
            return inputSize();
        }

        @Override
        public void vjp(double[] g, int gOff, double[] o, int oOff) {
            Arrays.fill(o, oOff, oOff + inputSize(), 0.0);
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
            double[][] d = new double[outputSize()][inputSize()];
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
            return outputSize();
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
            return outputSize();
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
