package dev.chainrule.layers;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.InPlaceUpdate;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.jacobian.DenseJacobian;
import dev.chainrule.api.jacobian.IdentityJacobian;
import dev.chainrule.api.jacobian.KroneckerJacobian;
import dev.chainrule.kernels.Kernels;
import dev.chainrule.kernels.Parallelism;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The linear map {@code ẑ = W x + b}, {@code W ∈ R^{m×n}}, {@code b ∈ R^m}, applied to each row of a batch.
 *
 * <p>Jacobians at the base point {@code x} (the saved input):
 * <ul>
 *   <li>{@code D_x ẑ = W}, m×n ({@link DenseJacobian});
 *   <li>{@code D_W ẑ = I_m ⊗ xᵀ}, m×mn with W flattened row-major ({@link KroneckerJacobian});
 *   <li>{@code D_b ẑ = I_m}, m×m ({@link IdentityJacobian}).
 * </ul>
 * Reverse mode never builds them: {@code g·D_W} is the outer product {@code gᵀxᵀ}, {@code g·D_b = g},
 * {@code g·D_x = g W}.
 *
 * <p>W is stored column-major ({@link Parameter.Storage#COLUMN_MAJOR}): column k of W is contiguous at
 * {@code w[k·m … k·m+m)}. Then {@code W x = Σ_k x_k W[:,k]} is a sum of axpys over the non-zero
 * {@code x_k} only, and the gradient {@code g xᵀ} touches only those columns — MNIST pixels are about 80%
 * zeros, so the first layer skips most of its work.
 *
 * <p>Each {@code ẑ_i} is the textbook running sum {@code b_i + Σ_k W_ik x_k} over the non-zero {@code x_k} in
 * ascending k, whatever the batch size or thread count.
 */
public final class Dense implements Layer, InPlaceUpdate {
    /** The type id. */
    public static final String TYPE = "dense";

    private static final Kernels KERNELS = Kernels.ready();

    private final Shape inputShape;
    private final int n;
    private final int m;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor input;
    private volatile Scratch[] scratch = {};
    private double[] gt = new double[0];
    private double[] outT = new double[0];
    /** The batch's non-zero inputs, row by row (row r at {@code [rowStart[r], rowStart[r+1])}), for the panel path. */
    private int[] rowStart = new int[0];
    private int[] listCols = new int[0];
    private double[] listVals = new double[0];
    /** The same non-zero inputs column by column (column k at {@code [colStart[k], colStart[k+1])}, rows ascending). */
    private int[] colStart = new int[0];
    private int[] colRows = new int[0];
    private double[] colVals = new double[0];
    private Tensor output;
    private Tensor inputGradient;

    /**
     * A dense layer {@code R^n → R^m}, W filled by {@code init} from a RNG seeded with {@code seed}, b = 0.
     *
     * @param init one of {@link Initializer}
     */
    public Dense(int n, int m, Initializer init, long seed) {
        this(Shape.of(n), m, init, seed);
    }

    /**
     * A dense layer on rows of {@code inputShape}, read as one vector of {@code inputShape.size()} entries
     * (channel-major for an image).
     */
    public Dense(Shape inputShape, int m, Initializer init, long seed) {
        int n = inputShape.size();
        this.inputShape = inputShape;
        if (n <= 0 || m <= 0) {
            throw new IllegalArgumentException("dense: sizes must be positive, got input " + n + ", units " + m);
        }
        this.n = n;
        this.m = m;
        this.weight = Parameter.matrix("W", m, n, Parameter.Storage.COLUMN_MAJOR);
        this.bias = Parameter.vector("b", m);
        init.fill(weight, n, m, new SplittableRandom(seed));
    }

    /** How the initial W is drawn; each is deterministic given the seed. */
    public enum Initializer {
        /** {@code W_ik ~ U(−a, a)}, {@code a = √(6/(n+m))} (Glorot and Bengio 2010). */
        GLOROT_UNIFORM("glorot-uniform"),
        /** {@code W_ik ~ N(0, 2/n)} (He et al. 2015), suited to relu. */
        HE_NORMAL("he-normal"),
        /** {@code W = 0}: every unit stays identical under training; for tests and teaching. */
        ZEROS("zeros");

        private final String id;

        Initializer(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Initializer of(String id) {
            for (Initializer i : values()) {
                if (i.id.equals(id)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("unknown initializer '" + id + "'; valid: glorot-uniform, he-normal, zeros");
        }

        // Drawn in docs/math.md's row-major order, so the weights do not depend on the storage layout.
        void fill(Parameter w, int n, int m, SplittableRandom rng) {
            int size = w.size();
            switch (this) {
                case GLOROT_UNIFORM -> {
                    double a = Math.sqrt(6.0 / (n + m));
                    for (int f = 0; f < size; f++) {
                        w.set(f, rng.nextDouble(-a, a));
                    }
                }
                case HE_NORMAL -> {
                    double sd = Math.sqrt(2.0 / n);
                    for (int f = 0; f < size; f++) {
                        w.set(f, sd * rng.nextGaussian());
                    }
                }
                case ZEROS -> {
                    // the arrays start at zero
                }
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int inputSize() {
        return n;
    }

    @Override
    public int outputSize() {
        return m;
    }

    @Override
    public Shape inputShape() {
        return inputShape;
    }

    /** W (m×n, stored column-major), then b. */
    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException("dense: expects rows of " + n + " inputs, got " + x);
        }
        int batch = x.rows();
        output = Tensor.reuse(output, batch, m);
        double[] xs = x.data();
        double[] z = output.data();
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
        } else {
            Parallelism.run(parts, t -> forwardRows(xs, z, Parallelism.split(batch, parts, t),
                    Parallelism.split(batch, parts, t + 1), scratch(t)));
        }
        // The contract keeps x unchanged until backward, so the reference is the base point (no copy).
        input = x;
        return output;
    }

    /** {@code ẑ_r = W x_r + b} for rows {@code [from, to)}: a sum over the columns of W where {@code x_r} is non-zero. */
    private void forwardRows(double[] xs, double[] z, int from, int to, Scratch sc) {
        double[] w = weight.value();
        double[] b = bias.value();
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
        double[] w = weight.value();
        double[] b = bias.value();
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

    @Override
    public Jacobian jacobian(int row) {
        checkRow(row);
        return DenseJacobian.columnMajor(m, n, weight.value(), "W");
    }

    @Override
    public Jacobian parameterJacobian(int index, int row) {
        checkRow(row);
        return switch (index) {
            case 0 -> new KroneckerJacobian(m, input.rowCopy(row));
            case 1 -> new IdentityJacobian(m);
            default -> throw new IndexOutOfBoundsException("dense has parameters 0 (W) and 1 (b), not " + index);
        };
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        checkGradient(g);
        Tensor gx = propagate ? inputVjp(g) : null;
        int batch = input.rows();
        double[] xs = input.data();
        double[] gs = g.data();
        double[] gw = weight.grad();
        double[] gb = bias.grad();
        // g·D_b = g
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < m; i++) {
                gb[i] += gs[r * m + i];
            }
        }
        // g·D_W = gᵀxᵀ: column k of the outer product is g·x_k, zero when x_k is. Threads own columns of W.
        int parts = parts(batch);
        if (usesPanels(batch)) {
            columnSteps(gs, gw, batch, false, 0.0, parts);
        } else if (parts == 1) {
            accumulateColumns(xs, gs, gw, batch, 0, n, scratch(0));
        } else {
            Parallelism.run(parts, t -> accumulateColumns(xs, gs, gw, batch, Parallelism.split(n, parts, t),
                    Parallelism.split(n, parts, t + 1), scratch(t)));
        }
        return gx;
    }

    /**
     * The same VJPs as {@link #backward}, with the step applied in place: {@code g·D_x = gW} first (with the
     * W of the forward pass), then {@code b ← b − η·g} and {@code W ← W − η·gᵀxᵀ} column by column, skipping
     * the columns where {@code x_k = 0} — there {@code g·D_W} is zero, so at batch size 1 on MNIST about
     * 80% of W is never read or written. A column receives the rows of the batch in order, whichever
     * thread owns it.
     */
    @Override
    public Tensor backwardAndUpdate(Tensor g, boolean propagate, double stepSize) {
        checkGradient(g);
        Tensor gx = propagate ? inputVjp(g) : null;
        int batch = input.rows();
        double[] xs = input.data();
        double[] gs = g.data();
        double[] w = weight.value();
        double[] b = bias.value();
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < m; i++) {
                b[i] -= stepSize * gs[r * m + i];
            }
        }
        int parts = parts(batch);
        if (usesPanels(batch)) {
            columnSteps(gs, w, batch, true, stepSize, parts);
        } else if (parts == 1) {
            descendColumns(xs, gs, w, batch, stepSize, 0, n, scratch(0));
        } else {
            Parallelism.run(parts, t -> descendColumns(xs, gs, w, batch, stepSize, Parallelism.split(n, parts, t),
                    Parallelism.split(n, parts, t + 1), scratch(t)));
        }
        return gx;
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
                    KERNELS.accumulateRowsAny(gp, Kernels.PANEL, 0, colRows, colVals, s, e, target, k * m + i0, len);
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
        java.util.Arrays.fill(colStart, 0);
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
    private Tensor inputVjp(Tensor g) {
        int batch = g.rows();
        inputGradient = Tensor.reuse(inputGradient, batch, n);
        double[] gx = inputGradient.data();
        double[] gs = g.data();
        double[] w = weight.value();
        int parts = parts(batch);
        if (batch >= Kernels.DOT_ROWS) {
            return inputVjpTiles(gs, batch, gx, w, parts);
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
        return inputGradient;
    }

    /**
     * {@code g·D_x = G W} by tiles of 8 rows × 4 inputs ({@link Kernels#dotsTile}) on G transposed, each
     * entry's sum in i order; the batch is padded with zero rows to a multiple of 8, so every row takes the
     * same path. Threads own tiles of rows.
     */
    private Tensor inputVjpTiles(double[] gs, int batch, double[] gx, double[] w, int parts) {
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
        return inputGradient;
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
                    Scratch[] grown = java.util.Arrays.copyOf(scratch, Math.max(t + 1, Parallelism.threads()));
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
            int count = 0;
            for (int k = k0; k < k1; k++) {
                double xk = xs[xOff + k];
                if (xk != 0.0) {
                    cols[count] = k;
                    vals[count] = xk;
                    count++;
                }
            }
            return count;
        }
    }

    private void checkGradient(Tensor g) {
        if (input == null) {
            throw new IllegalStateException("dense: backward before forward");
        }
        if (g.rows() != input.rows() || g.cols() != m) {
            throw new IllegalArgumentException("dense: gradient " + g + " does not match output " + input.rows() + "×" + m);
        }
    }

    private void checkRow(int row) {
        if (input == null) {
            throw new IllegalStateException("dense: no forward call yet, so no base point");
        }
        if (row < 0 || row >= input.rows()) {
            throw new IndexOutOfBoundsException("dense: row " + row + " outside the last batch of " + input.rows());
        }
    }

    @Override
    public String toString() {
        return "dense " + n + "→" + m;
    }
}
