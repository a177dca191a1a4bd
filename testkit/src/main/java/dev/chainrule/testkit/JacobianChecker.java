package dev.chainrule.testkit;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks analytic Jacobians against central differences in double precision (docs/math.md, "Checking a
 * Jacobian"). No JUnit here: the runner's {@code gradcheck} and {@code verify-plugin} use it at run time.
 *
 * <p>Column j of the numeric Jacobian is {@code (f(w + ε e_j) − f(w − ε e_j)) / (2ε)} with
 * {@code ε = 1e-6 · max(1, |w_j|)}. An entry with analytic value a and numeric value b passes when
 * <ul>
 *   <li>its relative error {@code |a − b| / max(1e-8, |a| + |b|)} is at most the tolerance (default 1e-6),
 *   <li>or {@code |a − b|} is at most the absolute floor (default 1e-9) times {@code max(1, |f_i(w)|)}.
 * </ul>
 * The floor exists because a central difference of a value of size |f| carries rounding noise of about
 * {@code 1e-16·|f|/ε ≈ 1e-10·|f|}: where an entry is tiny both ways (a saturated sigmoid has
 * {@code σ'(30) ≈ 9e-14}, whose difference quotient rounds to 0) the relative error means nothing, while any
 * real mistake in a formula is many orders of magnitude above the floor.
 *
 * <p>Every check restores what it perturbs, and forward calls made for the numeric side use copies of the
 * input rows, so the caller's tensors are left as they were; the stage's base points are those of the last
 * numeric evaluation afterwards.
 */
public final class JacobianChecker {
    /** The default relative tolerance. */
    public static final double TOLERANCE = 1e-6;
    /** The default absolute floor, scaled by {@code max(1, |f_i(w)|)}. */
    public static final double ABSOLUTE_FLOOR = 1e-9;
    /** The relative step: {@code ε = STEP · max(1, |w_j|)}. */
    public static final double STEP = 1e-6;

    private final double tolerance;
    private final double absoluteFloor;

    public JacobianChecker() {
        this(TOLERANCE, ABSOLUTE_FLOOR);
    }

    public JacobianChecker(double tolerance, double absoluteFloor) {
        if (!(tolerance > 0) || !(absoluteFloor >= 0)) {
            throw new IllegalArgumentException("tolerance must be positive and the floor non-negative, got "
                    + tolerance + ", " + absoluteFloor);
        }
        this.tolerance = tolerance;
        this.absoluteFloor = absoluteFloor;
    }

    public double tolerance() {
        return tolerance;
    }

    /** {@code |a − b| / max(1e-8, |a| + |b|)}, docs/math.md's relative error. */
    public static double relativeError(double a, double b) {
        return Math.abs(a - b) / Math.max(1e-8, Math.abs(a) + Math.abs(b));
    }

    /** The numeric Jacobian (m×n) of {@code f} at {@code w} by central differences; {@code w} is restored. */
    public static double[][] numericJacobian(Function<double[], double[]> f, double[] w) {
        double[] w0 = w.clone();
        int m = f.apply(w0.clone()).length;
        double[][] d = new double[m][w.length];
        double[] v = w0.clone();
        for (int j = 0; j < w.length; j++) {
            double eps = STEP * Math.max(1.0, Math.abs(w0[j]));
            v[j] = w0[j] + eps;
            double[] plus = f.apply(v.clone());
            v[j] = w0[j] - eps;
            double[] minus = f.apply(v.clone());
            v[j] = w0[j];
            for (int i = 0; i < m; i++) {
                d[i][j] = (plus[i] - minus[i]) / (2 * eps);
            }
        }
        return d;
    }

    /**
     * Compares {@code analytic} (m×n) with a reference of the same shape, entry by entry.
     *
     * @param scale per output row, the size of {@code f_i(w)} that sets the absolute floor (or null for 1)
     */
    public CheckResult compare(String what, double[][] analytic, double[][] reference, double[] scale) {
        if (analytic.length != reference.length) {
            throw new IllegalArgumentException(what + ": analytic has " + analytic.length + " rows, reference " + reference.length);
        }
        Worst worst = new Worst(what);
        for (int i = 0; i < analytic.length; i++) {
            if (analytic[i].length != reference[i].length) {
                throw new IllegalArgumentException(what + ": row " + i + " has " + analytic[i].length
                        + " analytic columns but " + reference[i].length + " reference columns");
            }
            double s = scale == null ? 1.0 : Math.max(1.0, Math.abs(scale[i]));
            for (int j = 0; j < analytic[i].length; j++) {
                worst.add(i, j, analytic[i][j], reference[i][j], s);
            }
        }
        return worst.result();
    }

    /** Checks an analytic Jacobian of {@code f} at {@code w} against central differences. */
    public CheckResult check(String what, Jacobian analytic, Function<double[], double[]> f, double[] w) {
        double[] fw = f.apply(w.clone());
        if (analytic.rows() != fw.length || analytic.cols() != w.length) {
            return failShape(what, analytic, fw.length, w.length);
        }
        if ((long) fw.length * w.length > SMALL) {
            return checkStreamed(what, analytic, f, w, fw);
        }
        double[][] dense = analytic.toDense();
        double[][] numeric = numericJacobian(f, w);
        CheckResult r = compare(what, dense, numeric, fw);
        return r.passed() ? r : kinks(what, dense, numeric, f, w, fw, r);
    }

    /**
     * Above this many entries (32 MB of doubles) a Jacobian is checked without its dense numeric matrix: the
     * central differences are kept sparse (an output a coordinate does not reach differs by exactly 0), and
     * the analytic side is compared one row at a time.
     */
    static final long SMALL = 4L << 20;
    /**
     * Up to this many entries (384 MB) the analytic side of a large check is still taken as one dense matrix
     * (structured layers build it much faster than m unit-row VJPs); above it, row by row from VJPs. Together
     * these bound gradcheck's heap on a convnet by one such matrix (a relu after a 32×26×26
     * convolution has a 21632×21632 D_x, 3.7 GB dense).
     */
    static final long DENSE_ROWS_AT_ONCE = 48L << 20;

    /**
     * {@link #check} for a large Jacobian: the same judgement (including the non-differentiable points of
     * {@link #kinks}) entry by entry, holding the numeric side sparse and at most one dense analytic matrix.
     */
    private CheckResult checkStreamed(String what, Jacobian analytic, Function<double[], double[]> f, double[] w,
            double[] fw) {
        int m = fw.length;
        int n = w.length;
        double[][] dense = (long) m * n <= DENSE_ROWS_AT_ONCE ? analytic.toDense() : null;
        // pass 1: the numeric columns, as (row, column, value) triples where nonzero, and the kinks
        Sparse numeric = new Sparse();
        Sparse lows = new Sparse();
        Sparse highs = new Sparse();
        java.util.BitSet kinkColumns = new java.util.BitSet(n);
        java.util.Map<Integer, String> slopes = new java.util.HashMap<>();
        double[] v = w.clone();
        for (int j = 0; j < n; j++) {
            double eps = STEP * Math.max(1.0, Math.abs(w[j]));
            v[j] = w[j] + eps;
            double[] plus = f.apply(v.clone());
            v[j] = w[j] - eps;
            double[] minus = f.apply(v.clone());
            v[j] = w[j];
            for (int i = 0; i < m; i++) {
                double d = (plus[i] - minus[i]) / (2 * eps);
                if (d != 0) {
                    numeric.add(i, j, d);
                }
                double right = (plus[i] - fw[i]) / eps;
                double left = (fw[i] - minus[i]) / eps;
                double scale = Math.max(1.0, Math.abs(fw[i]));
                if (Math.abs(right - left) > 1e-3 * Math.max(1.0, Math.abs(right) + Math.abs(left))
                        && Math.abs(right - left) > 1e4 * absoluteFloor * scale) {
                    lows.add(i, j, Math.min(left, right));
                    highs.add(i, j, Math.max(left, right));
                    if (!kinkColumns.get(j)) {
                        slopes.put(j, String.format(java.util.Locale.ROOT, "output %d: left %.6g, right %.6g", i, left, right));
                    }
                    kinkColumns.set(j);
                }
            }
        }
        restore(f, w);
        int[][] byRow = numeric.rows(m);
        int[][] kinkByRow = lows.rows(m);
        // pass 2: the analytic rows against them
        Worst raw = new Worst(what);
        Worst judged = new Worst(what);
        java.util.BitSet badColumns = new java.util.BitSet(n);
        double[] row = new double[n];
        double[] num = new double[n];
        double[] e = new double[m];
        for (int i = 0; i < m; i++) {
            double[] a;
            if (dense != null) {
                a = dense[i];
                dense[i] = null;
            } else {
                e[i] = 1;
                java.util.Arrays.fill(row, 0.0);
                analytic.vjp(e, 0, row, 0);
                e[i] = 0;
                a = row;
            }
            java.util.Arrays.fill(num, 0.0);
            for (int k : byRow[i]) {
                num[numeric.col(k)] = numeric.value(k);
            }
            double scale = Math.max(1.0, Math.abs(fw[i]));
            for (int j = 0; j < n; j++) {
                raw.add(i, j, a[j], num[j], scale);
                if (!agrees(a[j], num[j], scale)) {
                    badColumns.set(j);
                }
            }
            // at a kink any value between the one-sided slopes is accepted
            double[] ref = num;
            for (int k : kinkByRow[i]) {
                int j = lows.col(k);
                double lo = lows.value(k);
                double hi = highs.value(k);
                double slack = 1e-4 * Math.max(1.0, hi - lo);
                if (a[j] >= lo - slack && a[j] <= hi + slack) {
                    ref[j] = a[j];
                }
            }
            for (int j = 0; j < n; j++) {
                judged.add(i, j, a[j], ref[j], scale);
            }
        }
        CheckResult r = raw.result();
        if (r.passed()) {
            return r;
        }
        java.util.BitSet atKinks = (java.util.BitSet) badColumns.clone();
        atKinks.and(kinkColumns);
        if (atKinks.isEmpty()) {
            return r;
        }
        int first = atKinks.nextSetBit(0);
        CheckResult k = judged.result();
        return new CheckResult(what + " at a non-differentiable point: " + atKinks.cardinality() + " input(s) where"
                + " the one-sided differences disagree, first input " + first + " (" + slopes.get(first) + ");"
                + " there any value between the two slopes is accepted", k.row(), k.column(), k.analytic(),
                k.numeric(), k.relativeError(), k.maxRelativeError(), k.tolerance(), k.passed());
    }

    /** Growable (row, column, value) triples, read back grouped by row. */
    private static final class Sparse {
        private int[] rows = new int[1024];
        private int[] cols = new int[1024];
        private double[] values = new double[1024];
        private int size;

        void add(int i, int j, double v) {
            if (size == rows.length) {
                int cap = size * 2;
                rows = java.util.Arrays.copyOf(rows, cap);
                cols = java.util.Arrays.copyOf(cols, cap);
                values = java.util.Arrays.copyOf(values, cap);
            }
            rows[size] = i;
            cols[size] = j;
            values[size++] = v;
        }

        int col(int k) {
            return cols[k];
        }

        double value(int k) {
            return values[k];
        }

        /** For each of the {@code m} rows, the indices of its triples. */
        int[][] rows(int m) {
            int[] count = new int[m];
            for (int k = 0; k < size; k++) {
                count[rows[k]]++;
            }
            int[][] out = new int[m][];
            for (int i = 0; i < m; i++) {
                out[i] = new int[count[i]];
                count[i] = 0;
            }
            for (int k = 0; k < size; k++) {
                out[rows[k]][count[rows[k]]++] = k;
            }
            return out;
        }
    }

    /**
     * Where a central difference disagrees with the analytic value, looks whether the point is a kink
     * (relu at 0, a tie of a max): there the one-sided differences {@code (f(w+εe_j) − f(w))/ε} and
     * {@code (f(w) − f(w−εe_j))/ε} disagree with each other, the central difference is their mean and means
     * nothing, and any value between the two one-sided slopes is a valid (sub)gradient. Such columns are
     * judged against that interval and the result says "non-differentiable point"; a column whose
     * one-sided slopes agree is an ordinary wrong Jacobian and is left as it failed.
     */
    private CheckResult kinks(String what, double[][] dense, double[][] numeric, Function<double[], double[]> f,
            double[] w, double[] fw, CheckResult failed) {
        int m = dense.length;
        double[][] judged = new double[m][];
        for (int i = 0; i < m; i++) {
            judged[i] = numeric[i].clone();
        }
        StringBuilder where = new StringBuilder();
        int kinks = 0;
        for (int j = 0; j < w.length; j++) {
            boolean bad = false;
            for (int i = 0; i < m && !bad; i++) {
                bad = !agrees(dense[i][j], numeric[i][j], Math.max(1.0, Math.abs(fw[i])));
            }
            if (!bad) {
                continue;
            }
            double eps = STEP * Math.max(1.0, Math.abs(w[j]));
            double[] v = w.clone();
            v[j] = w[j] + eps;
            double[] plus = f.apply(v.clone());
            v[j] = w[j] - eps;
            double[] minus = f.apply(v.clone());
            boolean kink = false;
            String slopes = "";
            for (int i = 0; i < m; i++) {
                double right = (plus[i] - fw[i]) / eps;
                double left = (fw[i] - minus[i]) / eps;
                double scale = Math.max(1.0, Math.abs(fw[i]));
                // one-sided differences carry O(ε) truncation error: disagreement far beyond it is a kink
                if (Math.abs(right - left) > 1e-3 * Math.max(1.0, Math.abs(right) + Math.abs(left))
                        && Math.abs(right - left) > 1e4 * absoluteFloor * scale) {
                    if (!kink) {
                        slopes = String.format(java.util.Locale.ROOT, "output %d: left %.6g, right %.6g", i, left, right);
                    }
                    kink = true;
                    double lo = Math.min(left, right);
                    double hi = Math.max(left, right);
                    double slack = 1e-4 * Math.max(1.0, hi - lo);
                    if (dense[i][j] >= lo - slack && dense[i][j] <= hi + slack) {
                        judged[i][j] = dense[i][j];
                    }
                }
            }
            if (kink) {
                kinks++;
                if (where.length() == 0) {
                    where.append("input ").append(j).append(" (").append(slopes).append(')');
                }
            }
        }
        if (kinks == 0) {
            return failed;
        }
        CheckResult r = compare(what + " at a non-differentiable point: " + kinks + " input(s) where the one-sided"
                + " differences disagree, first " + where + "; there any value between the two slopes is accepted",
                dense, judged, fw);
        restore(f, w);
        return r;
    }

    private static void restore(Function<double[], double[]> f, double[] w) {
        // leave the stage's base point at w, as after an ordinary check
        f.apply(w.clone());
    }

    private boolean agrees(double a, double b, double scale) {
        return a == b || relativeError(a, b) <= tolerance || Math.abs(a - b) <= absoluteFloor * scale;
    }

    /**
     * {@code D_x f} of a stage at row {@code row} of batch {@code x}. First, whether the Jacobian still reads
     * the same after a forward on other data ({@link #heldAfterNextForward}).
     */
    public CheckResult checkInputJacobian(Stage stage, Tensor x, int row) {
        stage.forward(x);
        Jacobian analytic = stage.jacobian(row);
        CheckResult live = heldAfterNextForward(stage, stage.type() + " D_x at row " + row, analytic, x);
        if (live != null) {
            return live;
        }
        return check(stage.type() + " D_x at row " + row, analytic,
                v -> stage.forward(new Tensor(1, v.length, v)).rowCopy(0), x.rowCopy(row));
    }

    /**
     * Null when {@code taken}, a Jacobian of {@code stage} at the last forward's base point, reads the same
     * before and after a forward on other data (the rows reversed and rescaled, one row fewer); else a failure
     * saying why. A Jacobian is a value: explain keeps it and the numeric checks below run forwards before
     * reading it, so one that reads the stage's input or output tensors (overwritten by every forward) would
     * otherwise be checked at the wrong point or fail far from its cause (an index out of range when the next
     * batch is smaller).
     */
    CheckResult heldAfterNextForward(Stage stage, String what, Jacobian taken, Tensor x) {
        if ((long) taken.rows() * taken.cols() > SMALL) {
            return heldAfterNextForwardLarge(stage, what, taken, x);
        }
        double[][] before = taken.toDense();
        int rows = Math.max(1, x.rows() - 1);
        Tensor other = new Tensor(rows, x.cols());
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < x.cols(); k++) {
                other.set(b, k, 0.3 - 0.7 * x.get(x.rows() - 1 - b, k));
            }
        }
        String message = what + ": the Jacobian read the stage's live buffers after the next forward; copy the base"
                + " point in jacobian(row)";
        double[][] after;
        try {
            stage.forward(other);
            after = taken.toDense();
        } catch (RuntimeException e) {
            stage.forward(x);
            return ContractChecks.fail(message + " (reading it again threw " + e + ")");
        }
        stage.forward(x);
        if (!java.util.Arrays.deepEquals(before, after)) {
            return ContractChecks.fail(message + " (its values changed)");
        }
        return null;
    }

    /**
     * {@link #heldAfterNextForward} for a large Jacobian: the dense matrix (or its unit-row VJPs) read into a
     * fingerprint per row before and after, so that only one dense matrix exists at a time.
     */
    private CheckResult heldAfterNextForwardLarge(Stage stage, String what, Jacobian taken, Tensor x) {
        long[] before = fingerprint(taken);
        String message = what + ": the Jacobian read the stage's live buffers after the next forward; copy the base"
                + " point in jacobian(row)";
        long[] after;
        try {
            stage.forward(otherRows(x));
            after = fingerprint(taken);
        } catch (RuntimeException e) {
            stage.forward(x);
            return ContractChecks.fail(message + " (reading it again threw " + e + ")");
        }
        stage.forward(x);
        return java.util.Arrays.equals(before, after) ? null : ContractChecks.fail(message + " (its values changed)");
    }

    private static Tensor otherRows(Tensor x) {
        int rows = Math.max(1, x.rows() - 1);
        Tensor other = new Tensor(rows, x.cols());
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < x.cols(); k++) {
                other.set(b, k, 0.3 - 0.7 * x.get(x.rows() - 1 - b, k));
            }
        }
        return other;
    }

    /** A 64-bit hash of each row's exact bits. */
    private static long[] fingerprint(Jacobian j) {
        int m = j.rows();
        int n = j.cols();
        long[] out = new long[m];
        double[][] dense = (long) m * n <= DENSE_ROWS_AT_ONCE ? j.toDense() : null;
        double[] row = new double[n];
        double[] e = new double[m];
        for (int i = 0; i < m; i++) {
            double[] a;
            if (dense != null) {
                a = dense[i];
                dense[i] = null;
            } else {
                e[i] = 1;
                java.util.Arrays.fill(row, 0.0);
                j.vjp(e, 0, row, 0);
                e[i] = 0;
                a = row;
            }
            long h = 0x9E3779B97F4A7C15L;
            for (double d : a) {
                h = (h ^ Double.doubleToLongBits(d)) * 0xBF58476D1CE4E5B9L;
                h ^= h >>> 31;
            }
            out[i] = h;
        }
        return out;
    }

    /** {@code D_θ f} of a layer for parameter {@code index}, at row {@code row} of batch {@code x}. */
    public CheckResult checkParameterJacobian(Layer layer, int index, Tensor x, int row) {
        layer.forward(x);
        Jacobian analytic = layer.parameterJacobian(index, row);
        Parameter p = layer.parameters().get(index);
        CheckResult live = heldAfterNextForward(layer, layer.type() + " D_" + p.name() + " at row " + row, analytic, x);
        if (live != null) {
            return live;
        }
        Tensor single = new Tensor(1, x.cols(), x.rowCopy(row));
        double[] theta = p.toRowMajor();
        try {
            return check(layer.type() + " D_" + p.name() + " at row " + row, analytic, v -> {
                p.setFromRowMajor(v);
                return layer.forward(single).rowCopy(0);
            }, theta);
        } finally {
            p.setFromRowMajor(theta);
        }
    }

    /** {@code D_p ℓ} (1×N) of a loss at row {@code row} of a batch of predictions. */
    public CheckResult checkLossJacobian(Loss loss, Tensor prediction, int[] labels, int row) {
        loss.forward(prediction, labels);
        Jacobian analytic = loss.jacobian(row);
        int[] label = {labels[row]};
        return check(loss.type() + " D_p at row " + row + " (label " + labels[row] + ")", analytic,
                v -> new double[] {loss.forward(new Tensor(1, v.length, v), label)}, prediction.rowCopy(row));
    }

    /**
     * {@code D_p ℓ} (1×N) of a loss at row {@code row} of a batch of predictions against value targets
     * ({@code B × N}, api 2.1): the row's target stays fixed while its prediction moves.
     */
    public CheckResult checkLossJacobian(Loss loss, Tensor prediction, Tensor targets, int row) {
        loss.forward(prediction, targets);
        Jacobian analytic = loss.jacobian(row);
        Tensor target = new Tensor(1, targets.cols(), targets.rowCopy(row));
        return check(loss.type() + " D_p at row " + row + " (value targets)", analytic,
                v -> new double[] {loss.forward(new Tensor(1, v.length, v), target)}, prediction.rowCopy(row));
    }

    /**
     * The whole network's parameter gradient (from {@code zeroGrad, forward, backward}) against central
     * differences of the summed training loss {@code network.forward(x, labels)}. At most
     * {@code maxPerParameter} flat coordinates of each parameter are checked, drawn with {@code seed}
     * (all of them when the parameter is that small).
     */
    public CheckResult checkNetworkGradient(GradientTarget network, Tensor x, int[] labels, int maxPerParameter, long seed) {
        for (Parameter p : network.parameters()) {
            p.zeroGrad();
        }
        double loss = network.forward(x, labels);
        network.backward();
        Worst worst = new Worst("network parameter gradient (" + network.parameters().size() + " parameters)");
        SplittableRandom rng = new SplittableRandom(seed);
        List<Parameter> ps = network.parameters();
        for (int pi = 0; pi < ps.size(); pi++) {
            Parameter p = ps.get(pi);
            for (int j : coordinates(p.size(), maxPerParameter, rng)) {
                double analytic = p.gradAt(j);
                double w = p.get(j);
                double eps = STEP * Math.max(1.0, Math.abs(w));
                p.set(j, w + eps);
                double plus = network.forward(x, labels);
                p.set(j, w - eps);
                double minus = network.forward(x, labels);
                p.set(j, w);
                // row = parameter index in network.parameters(), column = flat index in it
                worst.add(pi, j, analytic, (plus - minus) / (2 * eps), Math.max(1.0, Math.abs(loss)));
            }
        }
        network.forward(x, labels);
        return worst.result();
    }

    private static int[] coordinates(int size, int max, SplittableRandom rng) {
        if (size <= max) {
            int[] all = new int[size];
            for (int j = 0; j < size; j++) {
                all[j] = j;
            }
            return all;
        }
        // a partial Fisher-Yates shuffle draws max distinct coordinates
        int[] idx = new int[size];
        for (int j = 0; j < size; j++) {
            idx[j] = j;
        }
        for (int j = 0; j < max; j++) {
            int k = j + rng.nextInt(size - j);
            int t = idx[j];
            idx[j] = idx[k];
            idx[k] = t;
        }
        return java.util.Arrays.copyOf(idx, max);
    }

    /** {@code J.vjp(g)} (the structured product) against {@code g × J.toDense()}. */
    public CheckResult checkVjp(String what, Jacobian jacobian, double[] g) {
        double[][] dense = jacobian.toDense();
        double[] expected = rowTimes(g, dense, jacobian.cols());
        double[] actual = jacobian.vjp(g);
        return compare(what + " vjp vs g·dense", new double[][] {actual}, new double[][] {expected}, null);
    }

    /**
     * {@code stage.backward(g, true)} against {@code g_b · D_x(x_b)} for every row, and for a layer each
     * parameter's accumulated gradient against {@code Σ_b g_b · D_θ(x_b)} (gradients are zeroed first).
     */
    public List<CheckResult> checkBackward(Stage stage, Tensor x, Tensor g) {
        List<CheckResult> results = new ArrayList<>();
        stage.forward(x);
        int batch = x.rows();
        double[][] expected = new double[batch][];
        for (int b = 0; b < batch; b++) {
            expected[b] = rowTimes(g.rowCopy(b), stage.jacobian(b).toDense(), stage.inputSize());
        }
        List<double[]> expectedParams = new ArrayList<>();
        if (stage instanceof Layer layer) {
            for (int i = 0; i < layer.parameters().size(); i++) {
                Parameter p = layer.parameters().get(i);
                double[] sum = new double[p.size()];
                for (int b = 0; b < batch; b++) {
                    double[] row = rowTimes(g.rowCopy(b), layer.parameterJacobian(i, b).toDense(), p.size());
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += row[j];
                    }
                }
                expectedParams.add(sum);
                p.zeroGrad();
            }
        }
        Tensor actual = stage.backward(g, true);
        results.add(compare(stage.type() + " backward vs g·D_x", actual.toArray(), expected, null));
        if (stage instanceof Layer layer) {
            for (int i = 0; i < expectedParams.size(); i++) {
                Parameter p = layer.parameters().get(i);
                double[] grad = new double[p.size()];
                for (int j = 0; j < grad.length; j++) {
                    grad[j] = p.gradAt(j);
                }
                results.add(compare(stage.type() + " backward: gradient of parameter " + p.name() + " vs Σ_b g_b·D_" + p.name(),
                        new double[][] {grad}, new double[][] {expectedParams.get(i)}, null));
            }
        }
        return results;
    }

    /** The forward output of a batch of N rows against N forwards of a single row. */
    public CheckResult checkBatchEqualsRows(Stage stage, Tensor x) {
        double[][] batch = stage.forward(x).toArray();
        double[][] single = new double[x.rows()][];
        for (int b = 0; b < x.rows(); b++) {
            single[b] = stage.forward(new Tensor(1, x.cols(), x.rowCopy(b))).rowCopy(0);
        }
        return compare(stage.type() + " batch of " + x.rows() + " vs single rows", batch, single, null);
    }

    /** The summed loss of a batch against the sum of single-row losses, and each row's Jacobian. */
    public CheckResult checkLossBatchEqualsRows(Loss loss, Tensor p, int[] labels) {
        double total = loss.forward(p, labels);
        double[][] batchGrad = loss.backward().toArray();
        double sum = 0.0;
        double[][] singleGrad = new double[p.rows()][];
        for (int b = 0; b < p.rows(); b++) {
            sum += loss.forward(new Tensor(1, p.cols(), p.rowCopy(b)), new int[] {labels[b]});
            singleGrad[b] = loss.backward().rowCopy(0);
        }
        CheckResult values = compare(loss.type() + " batch loss vs Σ single rows",
                new double[][] {{total}}, new double[][] {{sum}}, new double[] {sum});
        CheckResult grads = compare(loss.type() + " batch gradient vs single rows", batchGrad, singleGrad, null);
        return values.passed() ? grads : values;
    }

    /** The same for value targets ({@code B × N}, api 2.1): one forward of the batch against B forwards of a row. */
    public CheckResult checkLossBatchEqualsRows(Loss loss, Tensor p, Tensor targets) {
        double total = loss.forward(p, targets);
        double[][] batchGrad = loss.backward().toArray();
        double sum = 0.0;
        double[][] singleGrad = new double[p.rows()][];
        for (int b = 0; b < p.rows(); b++) {
            sum += loss.forward(new Tensor(1, p.cols(), p.rowCopy(b)), new Tensor(1, targets.cols(), targets.rowCopy(b)));
            singleGrad[b] = loss.backward().rowCopy(0);
        }
        CheckResult values = compare(loss.type() + " batch loss vs Σ single rows (value targets)",
                new double[][] {{total}}, new double[][] {{sum}}, new double[] {sum});
        CheckResult grads = compare(loss.type() + " batch gradient vs single rows (value targets)", batchGrad,
                singleGrad, null);
        return values.passed() ? grads : values;
    }

    private static double[] rowTimes(double[] g, double[][] dense, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < dense.length; i++) {
            for (int j = 0; j < cols; j++) {
                out[j] += g[i] * dense[i][j];
            }
        }
        return out;
    }

    private CheckResult failShape(String what, Jacobian analytic, int m, int n) {
        return new CheckResult(what + ": analytic Jacobian is " + analytic.shape() + " but f maps R^" + n + " → R^" + m,
                -1, -1, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, tolerance, false);
    }

    /** Tracks the entry furthest from passing: largest |a − b| over what the tests allow. */
    private final class Worst {
        private final String what;
        private int row = -1;
        private int column = -1;
        private double a;
        private double b;
        private double excess = -1;
        private double maxRelative;
        private boolean passed = true;

        Worst(String what) {
            this.what = what;
        }

        void add(int i, int j, double analytic, double numeric, double scale) {
            double diff = Math.abs(analytic - numeric);
            double floor = absoluteFloor * scale;
            double rel = relativeError(analytic, numeric);
            // equal infinities (CE at p_y = 0 both ways) agree although their difference is NaN
            boolean ok = analytic == numeric || rel <= tolerance || diff <= floor;
            double allowed = Math.max(tolerance * Math.max(1e-8, Math.abs(analytic) + Math.abs(numeric)), floor);
            double e = ok ? diff / Math.max(allowed, Double.MIN_NORMAL) : Double.POSITIVE_INFINITY;
            if (!ok || analytic != numeric && Math.abs(analytic) + Math.abs(numeric) > floor / tolerance) {
                maxRelative = Math.max(maxRelative, Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel);
            }
            passed &= ok;
            if (e > excess || row < 0) {
                excess = e;
                row = i;
                column = j;
                a = analytic;
                b = numeric;
            }
        }

        CheckResult result() {
            double rel = row < 0 ? 0.0 : relativeError(a, b);
            return new CheckResult(what, row, column, a, b, rel, maxRelative, tolerance, passed);
        }
    }
}
