package dev.chainrule.engine.train;

import dev.chainrule.kernels.Sums;

/**
 * Regression metrics over the rows of an evaluation, target by target: mean squared error, mean absolute
 * error and the coefficient of determination R², each per target and averaged over the T targets (the
 * unweighted mean of the per-target values, as scikit-learn's {@code multioutput="uniform_average"}).
 *
 * <p>Feed it rows in a fixed order ({@link #add(double[], double[], int)} or {@link #addRow}); every sum over the
 * rows is a {@link Sums.Accumulator} fed in that order (plain up to 128 rows, compensated pairwise beyond), so the
 * same rows in the same order give the same bits whatever the batch size or thread count of the evaluation
 * that produced them.
 *
 * <p>Per target t, over the n rows added, with residual {@code e = p_t − y_t}:
 * <pre>
 *   MSE_t = (1/n) Σ e²          (so the average over targets is the mse loss's (1/T) Σ_t e_t² per row)
 *   MAE_t = (1/n) Σ |e|
 *   R²_t  = 1 − SSres_t / SStot_t,   SSres_t = Σ e²,   SStot_t = Σ (y_t − ȳ_t)²
 * </pre>
 * where ȳ_t is the mean of the evaluated rows' own targets (not of the training set). SStot is accumulated in
 * one pass by Welford's update ({@code m ← m + (y − m)/k}, {@code S ← S + (y − m_old)(y − m_new)}), which is
 * stable where the textbook {@code Σy² − n ȳ²} cancels (targets near 10⁹ with a spread of 1).
 *
 * <p>R² of a target whose evaluated values are all equal (SStot = 0) is undefined; like scikit-learn's
 * {@code force_finite} it is reported as 1 when the predictions are exact (SSres = 0) and 0 otherwise. With no
 * rows every metric is NaN. R² may be negative: a model worse than predicting ȳ.
 */
public final class RegressionMetrics {
    private final int targets;
    private long count;
    private final Sums.Accumulator[] squared;
    private final Sums.Accumulator[] absolute;
    private final double[] mean;
    private final Sums.Accumulator[] spread;

    /** Metrics over rows of {@code targets} values. */
    public RegressionMetrics(int targets) {
        if (targets <= 0) {
            throw new IllegalArgumentException("regression metrics need at least one target, got " + targets);
        }
        this.targets = targets;
        this.squared = accumulators(targets);
        this.absolute = accumulators(targets);
        this.mean = new double[targets];
        this.spread = accumulators(targets);
    }

    private static Sums.Accumulator[] accumulators(int n) {
        Sums.Accumulator[] a = new Sums.Accumulator[n];
        for (int i = 0; i < n; i++) {
            a[i] = new Sums.Accumulator();
        }
        return a;
    }

    /** T, the number of targets per row. */
    public int targets() {
        return targets;
    }

    /** n, the number of rows added. */
    public long count() {
        return count;
    }

    /**
     * Adds {@code rows} rows of row-major predictions and targets ({@code rows × T} each, such as
     * {@code Tensor.data()}), in row order.
     */
    public void add(double[] prediction, double[] target, int rows) {
        long need = (long) rows * targets;
        if (rows < 0 || prediction.length < need || target.length < need) {
            throw new IllegalArgumentException(rows + " rows of " + targets + " targets need " + need
                    + " values, got " + prediction.length + " predictions and " + target.length + " targets");
        }
        for (int r = 0; r < rows; r++) {
            addRow(prediction, r * targets, target, r * targets);
        }
    }

    /** Adds one row: {@code prediction[pOff .. pOff+T)} against {@code target[tOff .. tOff+T)}. */
    public void addRow(double[] prediction, int pOff, double[] target, int tOff) {
        count++;
        for (int t = 0; t < targets; t++) {
            double y = target[tOff + t];
            double e = prediction[pOff + t] - y;
            squared[t].add(e * e);
            absolute[t].add(Math.abs(e));
            double before = mean[t];
            mean[t] = before + (y - before) / count;
            spread[t].add((y - before) * (y - mean[t]));
        }
    }

    /** MSE of target t: (1/n) Σ (p_t − y_t)². */
    public double mse(int t) {
        return count == 0 ? Double.NaN : squared[check(t)].sum() / count;
    }

    /** MAE of target t: (1/n) Σ |p_t − y_t|. */
    public double mae(int t) {
        return count == 0 ? Double.NaN : absolute[check(t)].sum() / count;
    }

    /** R² of target t: 1 − SSres/SStot (1 or 0 when SStot = 0, see the class comment). */
    public double r2(int t) {
        check(t);
        if (count == 0) {
            return Double.NaN;
        }
        double ssTot = spread[t].sum();
        double ssRes = squared[t].sum();
        if (ssTot == 0.0) {
            return ssRes == 0.0 ? 1.0 : 0.0;
        }
        return 1.0 - ssRes / ssTot;
    }

    /** The mean over targets of {@link #mse(int)}: the mse loss per row, averaged over the rows. */
    public double mse() {
        double s = 0.0;
        for (int t = 0; t < targets; t++) {
            s += mse(t);
        }
        return s / targets;
    }

    /** The mean over targets of {@link #mae(int)}. */
    public double mae() {
        double s = 0.0;
        for (int t = 0; t < targets; t++) {
            s += mae(t);
        }
        return s / targets;
    }

    /** The mean over targets of {@link #r2(int)}. */
    public double r2() {
        double s = 0.0;
        for (int t = 0; t < targets; t++) {
            s += r2(t);
        }
        return s / targets;
    }

    /** The mean of target t's evaluated values, ȳ_t. */
    public double targetMean(int t) {
        return count == 0 ? Double.NaN : mean[check(t)];
    }

    private int check(int t) {
        if (t < 0 || t >= targets) {
            throw new IndexOutOfBoundsException("target " + t + " outside 0.." + (targets - 1));
        }
        return t;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "mse %.6g, mae %.6g, r2 %.6g over %d rows of %d targets",
                mse(), mae(), r2(), count, targets);
    }
}
