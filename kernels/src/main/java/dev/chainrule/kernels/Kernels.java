package dev.chainrule.kernels;

/**
 * The three loops the dense layer's VJPs are made of, over contiguous runs of doubles. Two implementations
 * give bitwise the same results: {@link ScalarKernels} (plain Java) and {@link VectorKernels} (the
 * {@code jdk.incubator.vector} API, 4 doubles per lane group), which C2 in JDK 17 compiles to 256-bit
 * SIMD where it leaves the scalar loops at about one double per nanosecond — measured 4–5× faster on the
 * first layer's columns (docs/performance.md).
 *
 * <p>Same bits: every product and sum is rounded as the scalar code rounds it (no fused multiply-add), and
 * every sum runs in the textbook order, so training gives bitwise the weights of the plain loops
 * {@code z_i = b_i + Σ_k W_ik x_k}, {@code (gW)_k = Σ_i g_i W_ik}, {@code W ← W − η·gᵀxᵀ}.
 *
 * <p>{@link #INSTANCE} is the vector one when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * (the {@code runner} launcher does) and the CPU has 256-bit vectors, else the scalar one; the system property
 * {@code chainrule.kernels=scalar} forces the scalar one.
 */
public abstract class Kernels {
    public static final Kernels INSTANCE = choose();

    /**
     * {@link #INSTANCE} after its warm-up ({@link Parallelism#warmUpInBackground} says why), for the layers. A
     * holder class of its own: the warm-up must not run inside this class's initialisation, which
     * {@code new VectorKernels()} can start before {@link VectorKernels}' own fields are set.
     */
    public static Kernels ready() {
        return Ready.KERNELS;
    }

    /** The plain-loop implementation whatever the JVM offers, for comparisons (benchmarks). */
    public static Kernels scalar() {
        return new ScalarKernels();
    }

    private static final class Ready {
        static final Kernels KERNELS = warm(INSTANCE);

        private static Kernels warm(Kernels k) {
            if (k instanceof VectorKernels v) {
                v.warmUp();
            }
            return k;
        }
    }

    /**
     * The rectifier on {@code [from, to)}: {@code y_i = x_i > 0 ? x_i : 0} (so −0 and NaN give +0, and the
     * derivative {@code 1[x_i > 0]} can be read back from y alone: {@code y_i > 0} exactly when {@code x_i > 0}).
     */
    public abstract void relu(double[] x, double[] y, int from, int to);

    /** The rectifier's VJP on {@code [from, to)}: {@code out_i = g_i · (y_i > 0 ? 1 : 0)}, y the rectifier's output. */
    public abstract void reluVjp(double[] g, double[] y, double[] out, int from, int to);

    /**
     * The logistic function and its derivative on {@code [from, to)}, with the operations of the scalar
     * formula: {@code t = e^{−|z_i|}} ({@link Math#exp}), {@code u = 1 + t}, {@code y_i = (z_i ≥ 0 ? 1 : t)/u},
     * {@code d_i = t/(u·u)}. Only the exponential stays scalar: a vector one rounds differently, while the
     * additions, products and quotients are correctly rounded in any lane, so the bits are the scalar code's.
     */
    public abstract void sigmoid(double[] z, double[] y, double[] d, int from, int to);

    /** {@code y ← y + a·x} on {@code len} entries. */
    public abstract void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len);

    /** {@code w ← w − η·(g·c)} on {@code len} entries: a plain SGD step along the column {@code c·g}. */
    public abstract void descend(double eta, double c, double[] g, int gOff, double[] w, int wOff, int len);

    /**
     * {@code out_k = Σ_i g_i W_ik} for every column k of a column-major {@code W} (m×n): the VJP {@code g W}.
     * Each sum runs over i in order from 0, exactly as one running sum would, so the result is bitwise the
     * textbook loop's; the speed comes from several columns summed side by side (independent additions the
     * CPU overlaps), not from reordering a sum.
     */
    public void columnDots(double[] w, int m, int n, double[] g, int gOff, double[] out, int outOff) {
        scalarColumnDots(w, m, n, g, gOff, out, outOff, 0);
    }

    /**
     * {@link #columnDots} from column {@code k0} on, in plain Java: four columns side by side (eight measured
     * 2.2× slower in C2's code for 128 columns of 64: it runs out of registers).
     */
    final void scalarColumnDots(double[] w, int m, int n, double[] g, int gOff, double[] out, int outOff, int k0) {
        int k = k0;
        for (; k + 3 < n; k += 4) {
            int b0 = k * m;
            int b1 = b0 + m;
            int b2 = b1 + m;
            int b3 = b2 + m;
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            for (int i = 0; i < m; i++) {
                double gi = g[gOff + i];
                s0 += w[b0 + i] * gi;
                s1 += w[b1 + i] * gi;
                s2 += w[b2 + i] * gi;
                s3 += w[b3 + i] * gi;
            }
            out[outOff + k] = s0;
            out[outOff + k + 1] = s1;
            out[outOff + k + 2] = s2;
            out[outOff + k + 3] = s3;
        }
        for (; k < n; k++) {
            double s = 0.0;
            for (int i = 0; i < m; i++) {
                s += w[k * m + i] * g[gOff + i];
            }
            out[outOff + k] = s;
        }
    }

    /**
     * {@code z ← z + Σ_j c_j · W[:, k_j]} for the listed columns {@code k_j = cols[j]}, {@code from ≤ j < to}, of a
     * column-major {@code W} with {@code m} rows: a matrix-vector product over the non-zero inputs only. Each
     * {@code z_i} receives its terms in the order of {@code j}, as one call of {@link #axpy} per column would give.
     */
    public final void columnsAxpy(double[] w, int m, int[] cols, double[] c, int from, int to, double[] z, int zOff) {
        // One axpy per column. Keeping a block of z in registers across the columns (fewer loads and stores of
        // z) measured 5–10% slower end to end on Zen 3 at low load (docs/performance.md), so it is not done.
        for (int j = from; j < to; j++) {
            axpy(c[j], w, cols[j] * m, z, zOff, m);
        }
    }

    /**
     * {@link #descend} along each listed column: {@code W[:, k_j] ← W[:, k_j] − η·(g·c_j)}, the plain SGD step
     * {@code W ← W − η·gᵀxᵀ} on the columns where {@code x} is non-zero.
     */
    public final void columnsDescend(double eta, double[] g, int gOff, int[] cols, double[] c, int count, double[] w, int m) {
        for (int j = 0; j < count; j++) {
            descend(eta, c[j], g, gOff, w, cols[j] * m, m);
        }
    }

    /**
     * The input VJP {@code G W} on a tile of 8 rows × up to 4 inputs: {@code outT[k·batch + b] = Σ_i G[b,i] W[i,k]}
     * for {@code b0 ≤ b < b0+8}, {@code k0 ≤ k < k0+kCount}, with {@code G} given transposed
     * ({@code gt[i·batch + b]}; {@code batch} is the stride, a multiple of 8). Each sum runs over i ascending
     * from 0, one product at a time — bitwise {@link #columnDots}' (the textbook order) — with 8 rows side by
     * side in vector lanes.
     */
    public abstract void dotsTile(double[] gt, int batch, int b0, double[] w, int m, int k0, int kCount, double[] outT);

    /** Outputs per panel: {@link #panelAxpy} and its kind keep 16 entries in 4 vector registers. */
    public static final int PANEL = 16;

    /**
     * {@link #columnsAxpy} restricted to the rows {@code i0 ≤ i < i0+len} of W ({@code len = PANEL}; any length: {@link #panelAxpyAny}):
     * {@code z[zOff+i] += Σ_j c_j W[i0+i, k_j]} for {@code from ≤ j < to}, each entry's terms in j order. A
     * mini-batch walks W one panel of rows at a time ({@code Dense} packs it contiguously first, then passes
     * {@code m = PANEL, i0 = 0}), so the panel (784 columns × 16 rows, 100 KB) stays in the core's L2 cache for
     * the whole batch, and z stays in registers across the columns.
     */
    public abstract void panelAxpy(double[] w, int m, int i0, int len, int[] cols, double[] c, int from, int to, double[] z, int zOff);

    /**
     * One column's share of a mini-batch step: {@code w[wOff+i] −= η·(G[r_j, i0+i]·c_j)} for the listed rows
     * {@code r_j = rows[j]}, {@code from ≤ j < to}, in j order, {@code i < len = PANEL}; G is row-major with
     * {@code m} columns. The same operations as {@link #descend} per row, but the 16 entries of W stay in registers
     * across the rows: W is read and written once per batch instead of once per row.
     */
    public abstract void descendRows(double eta, double[] g, int m, int i0, int[] rows, double[] c, int from, int to, double[] w,
            int wOff, int len);


    /**
     * A panel of any length {@code len ≤ PANEL}: {@link #panelAxpy} for full panels, else one {@link #axpy} per
     * column — the same sums. Short panels (the last of a layer whose width is not a multiple of 16) go a separate
     * way so that the vector kernels' profile sees full panels only: a fallback branch inside them made C2 keep
     * their vectors boxed on the heap: 7× slower forward, 25× slower update at batch size 128 (docs/performance.md).
     */
    public final void panelAxpyAny(double[] w, int m, int i0, int len, int[] cols, double[] c, int from, int to, double[] z, int zOff) {
        if (len == PANEL) {
            panelAxpy(w, m, i0, len, cols, c, from, to, z, zOff);
        } else {
            for (int j = from; j < to; j++) {
                axpy(c[j], w, cols[j] * m + i0, z, zOff, len);
            }
        }
    }

    /** {@link #descendRows} for a panel of any length, as {@link #panelAxpyAny}. */
    public final void descendRowsAny(double eta, double[] g, int m, int i0, int[] rows, double[] c, int from, int to, double[] w,
            int wOff, int len) {
        if (len == PANEL) {
            descendRows(eta, g, m, i0, rows, c, from, to, w, wOff, len);
        } else {
            for (int j = from; j < to; j++) {
                descend(eta, c[j], g, rows[j] * m + i0, w, wOff, len);
            }
        }
    }

    /** Rows per {@link #dotsTile}. */
    public static final int DOT_ROWS = 8;

    /** Lanes of {@link #compensatedLanes}. */
    public static final int SUM_LANES = 8;

    /**
     * The compensated lanes of a long {@link Sums} sum, continued over {@code t[0 … n)}: term j goes to lane
     * {@code l = j mod 8}, each lane a (sum, error) pair {@code (s[l], e[l])} updated by Knuth's TwoSum,
     * {@code r = s_l + t_j}, {@code z = r − s_l}, {@code e_l += (s_l − (r − z)) + (t_j − z)}, {@code s_l = r};
     * that error term is exactly {@code s_l + t_j − r}. The terms are {@code t[off … off+n)}; a leaf longer than
     * one call continues in calls of a multiple of 8 terms.
     */
    public void compensatedLanes(double[] t, int off, int n, double[] s, double[] e) {
        for (int j = 0; j < n; j++) {
            int l = j & (SUM_LANES - 1);
            double r = s[l] + t[off + j];
            double z = r - s[l];
            e[l] += (s[l] - (r - z)) + (t[off + j] - z);
            s[l] = r;
        }
    }

    /** {@link #compensatedLanes} of the terms {@code t_j = a[aOff + j]·b[bOff + j]}, each product rounded. */
    public void compensatedProductLanes(double[] a, int aOff, double[] b, int bOff, int n, double[] s, double[] e) {
        for (int j = 0; j < n; j++) {
            int l = j & (SUM_LANES - 1);
            double t = a[aOff + j] * b[bOff + j];
            double r = s[l] + t;
            double z = r - s[l];
            e[l] += (s[l] - (r - z)) + (t - z);
            s[l] = r;
        }
    }

    /** Which implementation this is, for benchmarks and reports. */
    public abstract String name();

    private static Kernels choose() {
        if ("scalar".equals(System.getProperty("chainrule.kernels"))) {
            return new ScalarKernels();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarKernels();
        }
        try {
            Kernels k = (Kernels) Class.forName(Kernels.class.getPackageName() + ".VectorKernels").getDeclaredConstructor().newInstance();
            return k.name() != null ? k : new ScalarKernels();
        } catch (ReflectiveOperationException | LinkageError | UnsupportedOperationException e) {
            return new ScalarKernels();
        }
    }
}
