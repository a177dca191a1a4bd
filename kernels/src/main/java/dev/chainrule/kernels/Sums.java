package dev.chainrule.kernels;

/**
 * Compensated pairwise summation: the one rule for every long reduction (normalization statistics, bias and
 * pooled gradients, loss and metric sums).
 *
 * <p>The rule, for n terms {@code t_0 … t_{n−1}}, with B = {@link #BLOCK} = 128 and L = {@link #LEAF} = 4096:
 * <ul>
 *   <li>{@code n ≤ B}: {@code ((t_0 + t_1) + …) + t_{n−1}}, the plain loop from 0.0;
 *   <li>{@code n > B}: leaves of L consecutive terms (the last may be shorter). In a leaf, term j goes to lane
 *       {@code j mod 8}; each lane is a running sum that keeps every addition's rounding error exactly (Knuth's
 *       TwoSum, {@link Kernels#compensatedLanes}) in a second running sum; the eight (sum, error) lanes are then
 *       combined pairwise, {@code ((l_0 + l_1) + (l_2 + l_3)) + ((l_4 + l_5) + (l_6 + l_7))}. Leaves combine
 *       pairwise, {@code S = S(t_0 … t_{h−1}) + S(t_h … t_{n−1})} with {@code h = L·2^k} the largest such
 *       number below n. Each combination of two (sum, error) pairs adds the sums with TwoSum and the errors
 *       plainly. The result is {@code fl(sum + error)}.
 * </ul>
 * Error: at most {@code (n − 1)·u·Σ|t_i|} (u = 2⁻⁵³) to first order for {@code n ≤ B}; for {@code n > B} at most
 * {@code u·|S| + γ_n²·Σ|t_i|}, {@code γ_n = n·u/(1 − n·u)}, the bound of Ogita, Rump and Oishi's Sum2, whose
 * error terms this sums in the same way. So a long sum is as if summed in twice the precision and rounded
 * once, unless its terms cancel by more than a factor of about 10⁶; a plain loop has {@code (n − 1)·u·Σ|t_i|}.
 *
 * <p>Determinism: the grouping is fixed by n alone (every leaf a whole run of L terms, every left part a
 * perfect tree of leaves), so the result is a function of the terms and their order, whatever the thread
 * count or the way a caller splits its work; a split at leaf boundaries of the tree gives the same bits.
 * {@link Accumulator} streams the same rule one term at a time. The vector and scalar lanes round alike, so
 * SIMD or not gives the same bits too. A sum of at most B terms is the plain loop bit for bit: a mini-batch of
 * up to 128 rows keeps the plain loop's bits.
 *
 * <p>Why these sizes: B = 128 keeps batch-128 sums plain. A plain sum waits on one addition's latency per
 * term; eight compensated lanes (two 4-double vectors) keep the adders busy instead, so a long sum costs no
 * more per term than the plain loop, while combining lanes (latency-bound, ~50 ns) once per 128 terms would
 * have cost half as much again: hence leaves of L = 4096.
 *
 * <p>Terms are read in one of a few layouts: contiguous; strided (a column of a row-major matrix); or
 * segmented (one channel across a batch: {@code batch} segments of {@code H·W} values, {@code C·H·W} apart).
 */
public final class Sums {
    /** B: sums of at most this many terms are the plain left-to-right loop. */
    public static final int BLOCK = 128;

    /** L: terms per compensated leaf of a longer sum. */
    public static final int LEAF = 4096;

    /** The lane kernels, compiled on their own first ({@link Kernels#ready()} says why). */
    private static final Kernels LANES = Kernels.ready();

    private Sums() {
    }

    /** {@code Σ x[off + i]}, i = 0 … n−1. */
    public static double sum(double[] x, int off, int n) {
        if (n >= 0 && n <= BLOCK) {
            // the short sums (a softmax row, a loss row) run per sample: the plain loop, nothing allocated
            double s = 0.0;
            for (int i = off; i < off + n; i++) {
                s += x[i];
            }
            return s;
        }
        return reduce(new Terms(Kind.SUM, x, null, null, 0, 0, 0.0), Layout.strided(off, 1, n), n);
    }

    /** {@code Σ x[off + i·stride]}, i = 0 … n−1: e.g. a column of a row-major matrix with {@code stride} columns. */
    public static double sumStrided(double[] x, int off, int stride, int n) {
        if (n >= 0 && n <= BLOCK) {
            double s = 0.0;
            for (int k = 0, i = off; k < n; k++, i += stride) {
                s += x[i];
            }
            return s;
        }
        return reduce(new Terms(Kind.SUM, x, null, null, 0, 0, 0.0), Layout.strided(off, stride, n), n);
    }

    /**
     * {@code Σ x[base + (k / segLen)·segStride + k mod segLen]}, k = 0 … n−1: e.g. channel c of a
     * {@code batch × C×H×W} tensor is {@code sumSegments(x, c·H·W, H·W, C·H·W, batch·H·W)}.
     */
    public static double sumSegments(double[] x, int base, int segLen, int segStride, int n) {
        return reduce(new Terms(Kind.SUM, x, null, null, 0, 0, 0.0), Layout.segments(base, segLen, segStride, n), n);
    }

    /** {@code Σ (x_k − μ)²} over the terms of {@link #sumSegments}, each {@code d = x_k − μ} then {@code d·d} rounded. */
    public static double sumSquaredDeviations(double[] x, double mu, int base, int segLen, int segStride, int n) {
        return reduce(new Terms(Kind.SQUARED_DEVIATION, x, null, null, 0, 0, mu), Layout.segments(base, segLen, segStride, n), n);
    }

    /** {@code Σ a[aOff + i]·b[bOff + i]}, each product rounded, then added (no fused multiply-add). */
    public static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
        if (n >= 0 && n <= BLOCK) {
            double s = 0.0;
            for (int i = 0; i < n; i++) {
                s += a[aOff + i] * b[bOff + i];
            }
            return s;
        }
        return reduce(new Terms(Kind.DOT, a, b, null, bOff - aOff, 0, 0.0), Layout.strided(aOff, 1, n), n);
    }

    /** {@code Σ (a[aOff + i]·b[bOff + i])·c[cOff + i]}, each product rounded. */
    public static double dot3(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n) {
        return reduce(new Terms(Kind.DOT3, a, b, c, bOff - aOff, cOff - aOff, 0.0), Layout.strided(aOff, 1, n), n);
    }

    /**
     * {@code Σ a_k·b_k} with a's terms laid out as in {@link #sumSegments} from {@code aBase} and b's the same
     * way from {@code bBase}.
     */
    public static double dotSegments(double[] a, int aBase, double[] b, int bBase, int segLen, int segStride, int n) {
        return reduce(new Terms(Kind.DOT, a, b, null, bBase - aBase, 0, 0.0), Layout.segments(aBase, segLen, segStride, n), n);
    }

    /**
     * {@link #sumSegments} of a and {@link #dotSegments} of a and b in one pass over the memory (the same bits
     * as the two calls): {@code out[0] = Σ a_k}, {@code out[1] = Σ a_k·b_k}.
     */
    public static void sumAndDotSegments(double[] a, int aBase, double[] b, int bBase, int segLen, int segStride, int n,
            double[] out) {
        Terms[] both = {new Terms(Kind.SUM, a, null, null, 0, 0, 0.0), new Terms(Kind.DOT, a, b, null, bBase - aBase, 0, 0.0)};
        reduce(both, Layout.segments(aBase, segLen, segStride, n), n, out);
    }

    /**
     * Per-channel sums of a batch of channel-major rows: for each channel c in {@code [c0, c1)}, {@code out[c] =}
     * the sum of {@code x[off + b·rowStride + c·len + p]} over rows {@code b < rows}, then positions
     * {@code p < len} — bitwise {@link #sumSegments} of each channel. Read in storage order (row by row, the
     * channels of a row side by side) rather than channel by channel: one stream through memory instead of
     * a jump at every row, which the prefetcher follows (1.0 ms against 3.2 ms channel by channel, and 2.7 ms
     * for the plain loop, for a batch of 128 × 32 × 26 × 26; 2-core Zen 4).
     */
    public static void channelSums(double[] x, int off, int rows, int rowStride, int len, int c0, int c1, double[] out) {
        if ((long) rows * len <= BLOCK) {
            for (int c = c0; c < c1; c++) {
                out[c] = sumSegments(x, off + c * len, len, rowStride, rows * len);
            }
            return;
        }
        Accumulator[] acc = accumulators(c1 - c0);
        for (int b = 0; b < rows; b++) {
            for (int c = c0; c < c1; c++) {
                acc[c - c0].add(x, off + b * rowStride + c * len, len);
            }
        }
        for (int c = c0; c < c1; c++) {
            out[c] = acc[c - c0].sum();
        }
    }

    /**
     * {@link #channelSums} of the squared deviations {@code (x − μ_c)²}, each {@code d = x − μ_c} and {@code d·d}
     * rounded: bitwise {@link #sumSquaredDeviations} of each channel.
     */
    public static void channelSquaredDeviations(double[] x, int off, int rows, int rowStride, int len, int c0, int c1,
            double[] mu, double[] out) {
        if ((long) rows * len <= BLOCK) {
            for (int c = c0; c < c1; c++) {
                out[c] = sumSquaredDeviations(x, mu[c], off + c * len, len, rowStride, rows * len);
            }
            return;
        }
        Accumulator[] acc = accumulators(c1 - c0);
        double[] buf = new double[BLOCK];
        for (int b = 0; b < rows; b++) {
            for (int c = c0; c < c1; c++) {
                int at = off + b * rowStride + c * len;
                double m = mu[c];
                for (int j = 0; j < len; j += BLOCK) {
                    int k = Math.min(BLOCK, len - j);
                    for (int q = 0; q < k; q++) {
                        double d = x[at + j + q] - m;
                        buf[q] = d * d;
                    }
                    acc[c - c0].add(buf, 0, k);
                }
            }
        }
        for (int c = c0; c < c1; c++) {
            out[c] = acc[c - c0].sum();
        }
    }

    /**
     * {@link #channelSums} of a into {@code sums} and of the products {@code a·b} into {@code dots}, b laid out as
     * a from {@code bOff}: bitwise {@link #sumAndDotSegments} of each channel, in one pass over the memory.
     */
    public static void channelSumsAndDots(double[] a, int aOff, double[] b, int bOff, int rows, int rowStride, int len,
            int c0, int c1, double[] sums, double[] dots) {
        if ((long) rows * len <= BLOCK) {
            double[] two = new double[2];
            for (int c = c0; c < c1; c++) {
                sumAndDotSegments(a, aOff + c * len, b, bOff + c * len, len, rowStride, rows * len, two);
                sums[c] = two[0];
                dots[c] = two[1];
            }
            return;
        }
        Accumulator[] sa = accumulators(c1 - c0);
        Accumulator[] da = accumulators(c1 - c0);
        for (int r = 0; r < rows; r++) {
            for (int c = c0; c < c1; c++) {
                int at = r * rowStride + c * len;
                sa[c - c0].add(a, aOff + at, len);
                da[c - c0].addProducts(a, aOff + at, b, bOff + at, len);
            }
        }
        for (int c = c0; c < c1; c++) {
            sums[c] = sa[c - c0].sum();
            dots[c] = da[c - c0].sum();
        }
    }

    private static Accumulator[] accumulators(int n) {
        Accumulator[] acc = new Accumulator[n];
        for (int i = 0; i < n; i++) {
            acc[i] = new Accumulator();
        }
        return acc;
    }

    /** Which term {@code t(i)} a layout index yields; {@code i} indexes the first array, the others sit at fixed shifts. */
    private enum Kind { SUM, SQUARED_DEVIATION, DOT, DOT3 }

    /** The terms of one sum: how each is computed (and rounded) from the arrays. */
    private record Terms(Kind kind, double[] a, double[] b, double[] c, int db, int dc, double mu) {
        /** {@code buf[at + j] = t(i + j·step)}, j = 0 … len−1. */
        void gather(int i, int len, int step, double[] buf, int at) {
            int end = at + len;
            switch (kind) {
                case SUM -> {
                    for (; at < end; at++, i += step) {
                        buf[at] = a[i];
                    }
                }
                case SQUARED_DEVIATION -> {
                    for (; at < end; at++, i += step) {
                        double d = a[i] - mu;
                        buf[at] = d * d;
                    }
                }
                case DOT -> {
                    for (; at < end; at++, i += step) {
                        buf[at] = a[i] * b[i + db];
                    }
                }
                case DOT3 -> {
                    for (; at < end; at++, i += step) {
                        buf[at] = a[i] * b[i + db] * c[i + dc];
                    }
                }
            }
        }

        /** {@code s + t(i) + t(i + step) + …}, len terms, left to right: the whole sum when n ≤ B, no buffer. */
        double plain(double s, int i, int len, int step) {
            int end = i + len * step;
            switch (kind) {
                case SUM -> {
                    for (; i != end; i += step) {
                        s += a[i];
                    }
                }
                case SQUARED_DEVIATION -> {
                    for (; i != end; i += step) {
                        double d = a[i] - mu;
                        s += d * d;
                    }
                }
                case DOT -> {
                    for (; i != end; i += step) {
                        s += a[i] * b[i + db];
                    }
                }
                case DOT3 -> {
                    for (; i != end; i += step) {
                        s += a[i] * b[i + db] * c[i + dc];
                    }
                }
            }
            return s;
        }
    }

    private static double reduce(Terms terms, Layout layout, int n) {
        double[] out = new double[1];
        reduce(new Terms[] {terms}, layout, n, out);
        return out[0];
    }

    /**
     * {@code out[i]} = the sum of {@code terms[i]}'s n terms, all read in one walk over the layout: up to B terms
     * by the plain loops straight from the arrays, more through one {@link Accumulator} per sum, fed a stored
     * stretch at a time (terms that are stored values or products of two) or the terms gathered B at a time.
     */
    private static void reduce(Terms[] terms, Layout layout, int n, double[] out) {
        if (n < 0) {
            throw new IllegalArgumentException("negative term count " + n);
        }
        if (n <= BLOCK) {
            for (int i = 0; i < terms.length; i++) {
                out[i] = layout.plain(terms[i], n);
            }
            return;
        }
        Accumulator[] acc = new Accumulator[terms.length];
        for (int i = 0; i < terms.length; i++) {
            acc[i] = new Accumulator();
        }
        double[] buf = null;
        for (int k = 0; k < n; ) {
            int seg = k / layout.segLen();
            int p = k - seg * layout.segLen();
            int len = Math.min(layout.segLen() - p, n - k);
            int at = layout.base() + seg * layout.segStride() + p * layout.step();
            for (int i = 0; i < terms.length; i++) {
                Terms t = terms[i];
                if (layout.step() == 1 && t.kind() == Kind.SUM) {
                    acc[i].add(t.a(), at, len);
                } else if (layout.step() == 1 && t.kind() == Kind.DOT) {
                    acc[i].addProducts(t.a(), at, t.b(), at + t.db(), len);
                } else {
                    if (buf == null) {
                        buf = new double[BLOCK];
                    }
                    for (int j = 0; j < len; j += BLOCK) {
                        int c = Math.min(BLOCK, len - j);
                        t.gather(at + j * layout.step(), c, layout.step(), buf, 0);
                        acc[i].add(buf, 0, c);
                    }
                }
            }
            k += len;
        }
        for (int i = 0; i < terms.length; i++) {
            out[i] = acc[i].sum();
        }
    }

    /** Where term k lives: segments of {@code segLen} terms {@code segStride} apart, terms {@code step} apart in one. */
    private record Layout(int base, int segLen, int segStride, int step) {
        static Layout strided(int off, int stride, int n) {
            return new Layout(off, Math.max(n, 1), 0, stride);
        }

        static Layout segments(int base, int segLen, int segStride, int n) {
            if (segLen <= 0) {
                throw new IllegalArgumentException("segment length must be positive, got " + segLen);
            }
            // one term per segment is a strided run: one stretch instead of n
            return segLen == 1 ? strided(base, segStride, n) : new Layout(base, segLen, segStride, 1);
        }

        /** The plain left-to-right sum of terms {@code [0, n)} from 0.0. */
        double plain(Terms t, int n) {
            double s = 0.0;
            for (int k = 0; k < n; ) {
                int seg = k / segLen;
                int p = k - seg * segLen;
                int len = Math.min(segLen - p, n - k);
                s = t.plain(s, base + seg * segStride + p * step, len, step);
                k += len;
            }
            return s;
        }
    }

    /** {@code L·2^k}, the largest below n ({@code n > L}): the size of the left, perfect, subtree. */
    static int leftSize(int n) {
        return LEAF * Integer.highestOneBit((n - 1) / LEAF);
    }

    /** The eight lanes' (sum, error) pairs combined pairwise into {@code out}, by the rule of the class comment. */
    private static void combineLanes(double[] s, double[] e, double[] out) {
        combine(s[0], e[0], s[1], e[1], out);
        double s01 = out[0];
        double e01 = out[1];
        combine(s[2], e[2], s[3], e[3], out);
        combine(s01, e01, out[0], out[1], out);
        double s03 = out[0];
        double e03 = out[1];
        combine(s[4], e[4], s[5], e[5], out);
        double s45 = out[0];
        double e45 = out[1];
        combine(s[6], e[6], s[7], e[7], out);
        combine(s45, e45, out[0], out[1], out);
        combine(s03, e03, out[0], out[1], out);
    }

    /** {@code out ← left + right} as (sum, error) pairs: the sums' addition split exactly (TwoSum), the errors added. */
    private static void combine(double s1, double e1, double s2, double e2, double[] out) {
        double r = s1 + s2;
        double z = r - s1;
        double err = (s1 - (r - z)) + (s2 - z);
        out[0] = r;
        out[1] = (e1 + e2) + err;
    }

    /**
     * The rule of the class comment fed in order, one term or one stored stretch at a time: for sums whose
     * terms arrive in a stream (a test set's losses batch after batch, metrics row after row, a bias gradient
     * row after row) and the engine of the array sums above. After the terms {@code t_0 … t_{n−1}},
     * {@link #sum()} is bitwise {@link Sums#sum(double[], int, int)} of the same terms, however they were fed.
     * It keeps the plain sum of the first B terms, the open leaf's eight lanes, and one (sum, error) pair per
     * finished perfect subtree of leaves (the binary counter of the leaves so far).
     */
    public static final class Accumulator {
        /** Finished perfect subtrees, largest first: (sum, error) and the number of leaves in each. */
        private double[] sums = new double[8];
        private double[] errors = new double[8];
        private long[] leaves = new long[8];
        private int depth;
        private double plain;
        private final double[] laneSums = new double[Kernels.SUM_LANES];
        private final double[] laneErrors = new double[Kernels.SUM_LANES];
        /** Terms in the open leaf; term {@code open} goes to lane {@code open mod 8}. */
        private int open;
        private long count;
        private final double[] pair = new double[2];

        /** Adds the next term. */
        public void add(double t) {
            if (count < BLOCK) {
                plain += t;
            }
            count++;
            lane(t);
        }

        /** Adds {@code x[off … off+len)} in order: the same as {@link #add(double)} of each, lanes eight at a time. */
        public void add(double[] x, int off, int len) {
            for (int j = 0; j < len && count + j < BLOCK; j++) {
                plain += x[off + j];
            }
            count += len;
            int j = 0;
            while (j < len) {
                if ((open & (Kernels.SUM_LANES - 1)) != 0 || len - j < Kernels.SUM_LANES) {
                    lane(x[off + j]);
                    j++;
                    continue;
                }
                int chunk = Math.min((len - j) & -Kernels.SUM_LANES, LEAF - open);
                LANES.compensatedLanes(x, off + j, chunk, laneSums, laneErrors);
                j += chunk;
                open += chunk;
                if (open == LEAF) {
                    closeLeaf();
                }
            }
        }

        /** Adds the products {@code a[aOff + j]·b[bOff + j]}, j = 0 … len−1, each rounded, in order. */
        public void addProducts(double[] a, int aOff, double[] b, int bOff, int len) {
            for (int j = 0; j < len && count + j < BLOCK; j++) {
                plain += a[aOff + j] * b[bOff + j];
            }
            count += len;
            int j = 0;
            while (j < len) {
                if ((open & (Kernels.SUM_LANES - 1)) != 0 || len - j < Kernels.SUM_LANES) {
                    lane(a[aOff + j] * b[bOff + j]);
                    j++;
                    continue;
                }
                int chunk = Math.min((len - j) & -Kernels.SUM_LANES, LEAF - open);
                LANES.compensatedProductLanes(a, aOff + j, b, bOff + j, chunk, laneSums, laneErrors);
                j += chunk;
                open += chunk;
                if (open == LEAF) {
                    closeLeaf();
                }
            }
        }

        /** {@link Kernels#compensatedLanes}' step for one term. */
        private void lane(double t) {
            int l = open & (Kernels.SUM_LANES - 1);
            double r = laneSums[l] + t;
            double z = r - laneSums[l];
            laneErrors[l] += (laneSums[l] - (r - z)) + (t - z);
            laneSums[l] = r;
            if (++open == LEAF) {
                closeLeaf();
            }
        }

        private void closeLeaf() {
            combineLanes(laneSums, laneErrors, pair);
            push(pair[0], pair[1]);
            java.util.Arrays.fill(laneSums, 0.0);
            java.util.Arrays.fill(laneErrors, 0.0);
            open = 0;
        }

        private void push(double s, double e) {
            if (depth == sums.length) {
                sums = java.util.Arrays.copyOf(sums, depth * 2);
                errors = java.util.Arrays.copyOf(errors, depth * 2);
                leaves = java.util.Arrays.copyOf(leaves, depth * 2);
            }
            sums[depth] = s;
            errors[depth] = e;
            leaves[depth] = 1;
            depth++;
            // two equal perfect subtrees side by side are the halves of the next one
            while (depth >= 2 && leaves[depth - 1] == leaves[depth - 2]) {
                combine(sums[depth - 2], errors[depth - 2], sums[depth - 1], errors[depth - 1], pair);
                sums[depth - 2] = pair[0];
                errors[depth - 2] = pair[1];
                leaves[depth - 2] *= 2;
                depth--;
            }
        }

        /** The number of terms added. */
        public long count() {
            return count;
        }

        /** The sum of the terms so far (0.0 before any). */
        public double sum() {
            if (count <= BLOCK) {
                return plain;
            }
            // S = P_0 + (P_1 + (… + (P_last + open leaf))): the right parts of the array rule, innermost first
            double s;
            double e;
            int i = depth - 1;
            if (open > 0) {
                combineLanes(laneSums, laneErrors, pair);
                s = pair[0];
                e = pair[1];
            } else {
                s = sums[i];
                e = errors[i];
                i--;
            }
            for (; i >= 0; i--) {
                combine(sums[i], errors[i], s, e, pair);
                s = pair[0];
                e = pair[1];
            }
            return s + e;
        }

        /** Back to no terms. */
        public void clear() {
            depth = 0;
            plain = 0.0;
            java.util.Arrays.fill(laneSums, 0.0);
            java.util.Arrays.fill(laneErrors, 0.0);
            open = 0;
            count = 0;
        }
    }
}
