package dev.chainrule.kernels;

import java.util.Arrays;

/**
 * The fast paths of a dense layer {@code ẑ = W x + b} on plain arrays: W is m×n stored column-major (column
 * k at {@code w[k·m … k·m+m)}), a batch is row-major. They compute exactly the textbook sums the layer
 * states — each {@code ẑ_i = b_i + Σ_k W_ik x_k} over the non-zero {@code x_k} in ascending k, each
 * gradient entry over the rows in order — whatever the batch size or thread count, so training is bitwise
 * the same; only the order of memory traffic changes:
 * <ul>
 *   <li>sparse lists: only the columns of W where {@code x_k ≠ 0} are read or written (MNIST pixels are
 *       about 80% zeros);
 *   <li>panels: mini-batches of {@link Parallelism#MIN_ROWS} rows or more walk W by packed panels of
 *       {@link Kernels#PANEL} rows, each read by every row of the batch while it sits in cache;
 *   <li>tiles: {@code g·D_x = G W} by tiles of {@link Kernels#DOT_ROWS} rows × 4 inputs;
 *   <li>threads: big batches are split over {@link Parallelism}, each entry of W and ẑ owned by one thread.
 * </ul>
 * One instance per layer: it keeps the forward pass's lists of non-zero inputs for the weight step that
 * follows, and its buffers between calls, so a training step allocates nothing.
 */
public final class DenseKernels {
    private static final Kernels KERNELS = Kernels.ready();
    /** From this many rows a batch may go through {@link Gemm}: below it a packed panel is read too few times. */
    public static final int GEMM_ROWS = 8;
    /**
     * The share of non-zero inputs from which the forward pass and the weight VJP use {@link Gemm} rather than
     * the sparse column lists (MNIST pixels, ~19% non-zero, stay on the lists; hidden activations are dense).
     */
    static final double GEMM_DENSITY = Double.parseDouble(System.getProperty("chainrule.dense.gemmDensity", "0.5"));
    /** From this many rows the input VJP {@code G W} uses {@link Gemm} rather than the dot tiles. */
    static final int GEMM_VJP_ROWS = Integer.getInteger("chainrule.dense.gemmVjpRows", GEMM_ROWS);

    private final int n;
    private final int m;
    private double[] w;
    private double[] b;
    private volatile Scratch[] scratch = {};
    private double[] gt = new double[0];
    private double[] outT = new double[0];
    /** The last forward batch went through {@link Gemm}, so its weight VJP does too (no column lists were made). */
    private boolean gemm;
    /**
     * The last forward pass was one row on one thread, and {@code scratch(0)} still lists its non-zero inputs
     * (this many): the weight step that follows reads them instead of scanning the row again.
     */
    private int listedRow = -1;
    private double[] scaledG = new double[0];
    /** The batch's non-zero inputs, row by row (row r at {@code [rowStart[r], rowStart[r+1])}), for the panel path. */
    private int[] rowStart = new int[0];
    private int[] listCols = new int[0];
    private double[] listVals = new double[0];
    /** The same non-zero inputs column by column (column k at {@code [colStart[k], colStart[k+1])}, rows ascending). */
    private int[] colStart = new int[0];
    private int[] colRows = new int[0];
    private double[] colVals = new double[0];

    /** For a layer {@code R^n → R^m}. */
    public DenseKernels(int n, int m) {
        this.n = n;
        this.m = m;
    }

    /**
     * {@code z_r = W x_r + b} for the {@code batch} rows of {@code xs} (n each) into {@code z} (m each); lists
     * the non-zero inputs for {@link #accumulateWeightVjp} and {@link #descendWeights} on the same batch.
     */
    public void forward(double[] w, double[] b, double[] xs, int batch, double[] z) {
        this.w = w;
        this.b = b;
        listedRow = -1;
        gemm = batch >= GEMM_ROWS && dense(xs, batch * n);
        if (gemm) {
            // Z = 1·bᵀ + X·Wᵀ; the column-major W is Wᵀ row-major, so no transposition is packed
            for (int r = 0; r < batch; r++) {
                System.arraycopy(b, 0, z, r * m, m);
            }
            Gemm.multiply(false, false, batch, m, n, xs, 0, n, w, 0, m, z, 0, m, true);
            return;
        }
        int parts = parts(batch);
        if (usesPanels(batch)) {
            listNonZeros(xs, batch);
            listByColumn(batch);
            int panels = panels();
            int ps = Math.min(parts, panels);
            if (ps == 1) {
                forwardPanels(z, batch, 0, panels, scratch(0));
            } else {
                Parallelism.run(ps, t -> forwardPanels(z, batch, Parallelism.split(panels, ps, t),
                        Parallelism.split(panels, ps, t + 1), scratch(t)));
            }
        } else if (parts == 1) {
            forwardRows(xs, z, 0, batch, scratch(0)); // no lambda: nothing allocated per sample
            if (batch == 1) {
                listedRow = scratch(0).count;
            }
        } else {
            Parallelism.run(parts, t -> forwardRows(xs, z, Parallelism.split(batch, parts, t),
                    Parallelism.split(batch, parts, t + 1), scratch(t)));
        }
    }

    /** {@code gw += Gᵀ X}: the weight VJP summed over the batch of the last {@link #forward}. */
    public void accumulateWeightVjp(double[] xs, double[] gs, int batch, double[] gw) {
        if (gemm) {
            // grad W += Gᵀ X, stored column-major: (Gᵀ X)ᵀ = Xᵀ G row-major
            Gemm.multiply(true, false, n, m, batch, xs, 0, n, gs, 0, m, gw, 0, m, true);
            return;
        }
        // g·D_W = gᵀxᵀ: column k of the outer product is g·x_k, zero when x_k is. Threads own columns of W.
        int parts = parts(batch);
        if (usesPanels(batch)) {
            columnSteps(gs, gw, batch, false, 0.0, parts);
        } else if (listedRow >= 0) {
            Scratch sc = scratch(0);
            for (int j = 0; j < listedRow; j++) {
                KERNELS.axpy(sc.vals[j], gs, 0, gw, sc.cols[j] * m, m);
            }
        } else if (parts == 1) {
            accumulateColumns(xs, gs, gw, batch, 0, n, scratch(0));
        } else {
            Parallelism.run(parts, t -> accumulateColumns(xs, gs, gw, batch, Parallelism.split(n, parts, t),
                    Parallelism.split(n, parts, t + 1), scratch(t)));
        }
    }

    /** {@code w ← w − stepSize·Gᵀ X} in place, for the batch of the last {@link #forward}. */
    public void descendWeights(double[] xs, double[] gs, int batch, double stepSize, double[] w) {
        if (gemm) {
            // W ← W + Xᵀ(−η G): each entry one running sum from its old value, rows in order
            if (scaledG.length < batch * m) {
                scaledG = new double[batch * m];
            }
            for (int j = 0; j < batch * m; j++) {
                scaledG[j] = -stepSize * gs[j];
            }
            Gemm.multiply(true, false, n, m, batch, xs, 0, n, scaledG, 0, m, w, 0, m, true);
            return;
        }
        int parts = parts(batch);
        if (usesPanels(batch)) {
            columnSteps(gs, w, batch, true, stepSize, parts);
        } else if (listedRow >= 0) {
            KERNELS.columnsDescend(stepSize, gs, 0, scratch(0).cols, scratch(0).vals, listedRow, w, m);
        } else if (parts == 1) {
            descendColumns(xs, gs, w, batch, stepSize, 0, n, scratch(0));
        } else {
            Parallelism.run(parts, t -> descendColumns(xs, gs, w, batch, stepSize, Parallelism.split(n, parts, t),
                    Parallelism.split(n, parts, t + 1), scratch(t)));
        }
    }

    /** {@code ẑ_r = W x_r + b} for rows {@code [from, to)}: a sum over the columns of W where {@code x_r} is non-zero. */
    private void forwardRows(double[] xs, double[] z, int from, int to, Scratch sc) {
        double[] w = this.w;
        double[] b = this.b;
        for (int r = from; r < to; r++) {
            System.arraycopy(b, 0, z, r * m, m);
            int count = sc.nonZeros(xs, r * n, 0, n);
            KERNELS.columnsAxpy(w, m, sc.cols, sc.vals, 0, count, z, r * m);
        }
    }

    /**
     * The rows of {@link #forwardRows} for the output panels {@code [p0, p1)}, each panel of W walked by every row
     * of the batch before the next ({@link Kernels#panelAxpy}); the same sums in the same order.
     */
    private void forwardPanels(double[] z, int batch, int p0, int p1, Scratch sc) {
        double[] w = this.w;
        double[] b = this.b;
        double[] wp = sc.pack(n * Kernels.PANEL);
        for (int panel = p0; panel < p1; panel++) {
            int i0 = panel * Kernels.PANEL;
            int len = Math.min(Kernels.PANEL, m - i0);
            // The panel's rows of W packed contiguously (column k at wp[k·16 …]): in place, the pieces sit
            // m·8 bytes apart — 1 KB for 128 units — and a power-of-two stride maps them onto a few cache sets,
            // which evict each other long before the cache is full. Same values, so the same sums.
            for (int k = 0; k < n; k++) {
                if (colStart[k] < colStart[k + 1]) { // only the columns some row of the batch uses
                    System.arraycopy(w, k * m + i0, wp, k * Kernels.PANEL, len);
                }
            }
            for (int r = 0; r < batch; r++) {
                int o = r * m + i0;
                System.arraycopy(b, i0, z, o, len);
                KERNELS.panelAxpyAny(wp, Kernels.PANEL, 0, len, listCols, listVals, rowStart[r], rowStart[r + 1], z, o);
            }
        }
    }

    /** At least {@link #GEMM_DENSITY} of the first {@code size} inputs are non-zero. */
    private static boolean dense(double[] xs, int size) {
        int nonZero = 0;
        for (int j = 0; j < size; j++) {
            if (xs[j] != 0.0) {
                nonZero++;
            }
        }
        return nonZero >= GEMM_DENSITY * size;
    }

    /** Lists every row's non-zero inputs into {@link #rowStart}, {@link #listCols}, {@link #listVals}. */
    private void listNonZeros(double[] xs, int batch) {
        if (rowStart.length < batch + 1) {
            rowStart = new int[batch + 1];
        }
        if (listCols.length < batch * n) {
            listCols = new int[batch * n];
            listVals = new double[batch * n];
        }
        int count = 0;
        for (int r = 0; r < batch; r++) {
            rowStart[r] = count;
            int off = r * n;
            for (int k = 0; k < n; k++) {
                double xk = xs[off + k];
                if (xk != 0.0) {
                    listCols[count] = k;
                    listVals[count] = xk;
                    count++;
                }
            }
        }
        rowStart[batch] = count;
    }

    /** Output panels of {@link Kernels#PANEL} rows of W, the last one possibly shorter. */
    private int panels() {
        return (m + Kernels.PANEL - 1) / Kernels.PANEL;
    }

    /**
     * Mini-batches of {@link Parallelism#MIN_ROWS} rows or more walk W by panels of rows: each panel is read
     * by every row of the batch while it sits in cache. Threads own panels in the forward pass and ranges of
     * columns in the update, so each entry of W and ẑ is still computed by one thread, rows in order.
     */
    private boolean usesPanels(int batch) {
        return batch >= Parallelism.MIN_ROWS;
    }

    /**
     * The mini-batch {@code W ← W − η·Gᵀ X} when {@code descend}, else {@code grad W += Gᵀ X}, column by column
     * over the columns' lists of non-zero inputs: each 16-entry piece of a column receives the rows in order
     * ({@link Kernels#descendRows}) while it sits in registers. Threads own ranges of columns holding about
     * equal numbers of non-zeros.
     */
    private void columnSteps(double[] gs, double[] target, int batch, boolean descend, double stepSize, int parts) {
        int total = colStart[n];
        if (parts == 1) {
            columnSteps(gs, target, batch, descend, stepSize, 0, n, scratch(0));
            return;
        }
        int[] bounds = new int[parts + 1];
        bounds[parts] = n;
        for (int t = 1, k = 0; t < parts; t++) {
            long target0 = (long) total * t / parts;
            while (k < n && colStart[k] < target0) {
                k++;
            }
            bounds[t] = k;
        }
        Parallelism.run(parts, t -> columnSteps(gs, target, batch, descend, stepSize, bounds[t], bounds[t + 1], scratch(t)));
    }

    private void columnSteps(double[] gs, double[] target, int batch, boolean descend, double stepSize, int k0, int k1,
            Scratch sc) {
        double[] gp = sc.pack(batch * Kernels.PANEL);
        for (int i0 = 0; i0 < m; i0 += Kernels.PANEL) {
            int len = Math.min(Kernels.PANEL, m - i0);
            // G's panel packed contiguously, for the reason given in forwardPanels
            for (int r = 0; r < batch; r++) {
                System.arraycopy(gs, r * m + i0, gp, r * Kernels.PANEL, len);
            }
            for (int k = k0; k < k1; k++) {
                int s = colStart[k];
                int e = colStart[k + 1];
                if (s == e) {
                    continue;
                }
                if (descend) {
                    KERNELS.descendRowsAny(stepSize, gp, Kernels.PANEL, 0, colRows, colVals, s, e, target, k * m + i0, len);
                } else {
                    // the gradient's rows summed into W's column: the same sum as a panel of W's columns into z
                    KERNELS.panelAxpyAny(gp, Kernels.PANEL, 0, len, colRows, colVals, s, e, target, k * m + i0);
                }
            }
        }
    }

    /** Regroups the forward pass's row lists by column (counting sort; rows stay ascending within a column). */
    private void listByColumn(int batch) {
        int total = rowStart[batch];
        if (colStart.length != n + 1) {
            colStart = new int[n + 1];
        }
        if (colRows.length < total) {
            colRows = new int[Math.max(total, batch * n / 4)];
            colVals = new double[colRows.length];
        }
        Arrays.fill(colStart, 0);
        for (int j = 0; j < total; j++) {
            colStart[listCols[j] + 1]++;
        }
        for (int k = 0; k < n; k++) {
            colStart[k + 1] += colStart[k];
        }
        int[] next = scratch(0).cols; // n free ints: the fill position of each column
        System.arraycopy(colStart, 0, next, 0, n);
        for (int r = 0; r < batch; r++) {
            for (int j = rowStart[r]; j < rowStart[r + 1]; j++) {
                int k = listCols[j];
                int at = next[k]++;
                colRows[at] = r;
                colVals[at] = listVals[j];
            }
        }
    }

    /** {@code W[:,k] += Σ_r x_rk g_r} for the columns {@code k0 ≤ k < k1}, rows in order. */
    private void accumulateColumns(double[] xs, double[] gs, double[] gw, int batch, int k0, int k1, Scratch sc) {
        for (int r = 0; r < batch; r++) {
            int count = sc.nonZeros(xs, r * n, k0, k1);
            for (int j = 0; j < count; j++) {
                KERNELS.axpy(sc.vals[j], gs, r * m, gw, sc.cols[j] * m, m);
            }
        }
    }

    /** {@code W[:,k] −= η·(g_r x_rk)} for the columns {@code k0 ≤ k < k1}, rows in order. */
    private void descendColumns(double[] xs, double[] gs, double[] w, int batch, double stepSize, int k0, int k1,
            Scratch sc) {
        for (int r = 0; r < batch; r++) {
            // η·(g_i x_k), grouped as the unfused step computes it, so batch size 1 is bitwise the same
            int count = sc.nonZeros(xs, r * n, k0, k1);
            KERNELS.columnsDescend(stepSize, gs, r * m, sc.cols, sc.vals, count, w, m);
        }
    }

    /**
     * {@code g·D_x = g W} for every row: entry k is the dot product of g with column k of W, which is
     * contiguous in the column-major storage ({@link Kernels#columnDots}). Threads own rows.
     */
    public void inputVjp(double[] w, double[] gs, int batch, double[] gx) {
        if (batch >= GEMM_VJP_ROWS) {
            // G·W with W read transposed from its column-major storage
            Gemm.multiply(false, true, batch, n, m, gs, 0, m, w, 0, m, gx, 0, n, false);
            return;
        }
        int parts = parts(batch);
        if (batch >= Kernels.DOT_ROWS) {
            inputVjpTiles(gs, batch, gx, w, parts);
            return;
        }
        if (parts == 1) {
            for (int r = 0; r < batch; r++) {
                KERNELS.columnDots(w, m, n, gs, r * m, gx, r * n);
            }
        } else {
            Parallelism.run(parts, t -> {
                int r1 = Parallelism.split(batch, parts, t + 1);
                for (int r = Parallelism.split(batch, parts, t); r < r1; r++) {
                    KERNELS.columnDots(w, m, n, gs, r * m, gx, r * n);
                }
            });
        }
    }

    /**
     * {@code g·D_x = G W} by tiles of 8 rows × 4 inputs ({@link Kernels#dotsTile}) on G transposed, each
     * entry's sum in i order; the batch is padded with zero rows to a multiple of 8, so every row takes the
     * same path. Threads own tiles of rows.
     */
    private void inputVjpTiles(double[] gs, int batch, double[] gx, double[] w, int parts) {
        int stride = (batch + Kernels.DOT_ROWS - 1) / Kernels.DOT_ROWS * Kernels.DOT_ROWS;
        if (gt.length != m * stride) {
            gt = new double[m * stride]; // rows past the batch are computed but never copied out
        }
        if (outT.length != n * stride) {
            outT = new double[n * stride];
        }
        double[] gT = gt;
        double[] oT = outT;
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < m; i++) {
                gT[i * stride + r] = gs[r * m + i];
            }
        }
        int tiles = stride / Kernels.DOT_ROWS;
        if (parts == 1) {
            dotsTiles(gT, stride, batch, gx, w, oT, 0, tiles);
        } else {
            Parallelism.run(parts, p -> dotsTiles(gT, stride, batch, gx, w, oT, Parallelism.split(tiles, parts, p),
                    Parallelism.split(tiles, parts, p + 1)));
        }
    }

    private void dotsTiles(double[] gT, int stride, int batch, double[] gx, double[] w, double[] oT, int from, int to) {
        for (int tile = from; tile < to; tile++) {
            int b0 = tile * Kernels.DOT_ROWS;
            for (int k = 0; k < n; k += 4) {
                KERNELS.dotsTile(gT, stride, b0, w, m, k, Math.min(4, n - k), oT);
            }
            for (int r = b0; r < Math.min(batch, b0 + Kernels.DOT_ROWS); r++) {
                for (int k = 0; k < n; k++) {
                    gx[r * n + k] = oT[k * stride + r];
                }
            }
        }
    }

    /**
     * How many threads share a batch: one below {@link Parallelism#MIN_ROWS} rows or {@link Parallelism#MIN_WORK}
     * multiply-adds (waking another core costs microseconds, more than a small layer's whole batch).
     */
    private int parts(int batch) {
        return batch < Parallelism.MIN_ROWS || (long) batch * n * m < Parallelism.MIN_WORK ? 1 : Parallelism.threads();
    }

    private Scratch scratch(int t) {
        Scratch[] s = scratch;
        if (t >= s.length) {
            synchronized (this) {
                if (t >= scratch.length) {
                    Scratch[] grown = Arrays.copyOf(scratch, Math.max(t + 1, Parallelism.threads()));
                    for (int i = 0; i < grown.length; i++) {
                        if (grown[i] == null) {
                            grown[i] = new Scratch(n);
                        }
                    }
                    scratch = grown;
                }
                s = scratch;
            }
        }
        return s[t];
    }

    /** One thread's list of the non-zero entries of an input row: the only columns of W that {@code Wx} and {@code gᵀxᵀ} involve. */
    private static final class Scratch {
        final int[] cols;
        final double[] vals;
        /** How many entries the last {@link #nonZeros} listed. */
        int count;

        private double[] pack = new double[0];

        Scratch(int n) {
            cols = new int[n];
            vals = new double[n];
        }

        /** A buffer of at least {@code size} doubles for packing a panel. */
        double[] pack(int size) {
            if (pack.length < size) {
                pack = new double[size];
            }
            return pack;
        }

        /** Lists the non-zero {@code x_k}, {@code k0 ≤ k < k1}, of the row at {@code xOff}; returns their count. */
        int nonZeros(double[] xs, int xOff, int k0, int k1) {
            int c = 0;
            for (int k = k0; k < k1; k++) {
                double xk = xs[xOff + k];
                if (xk != 0.0) {
                    cols[c] = k;
                    vals[c] = xk;
                    c++;
                }
            }
            count = c;
            return c;
        }
    }

}
