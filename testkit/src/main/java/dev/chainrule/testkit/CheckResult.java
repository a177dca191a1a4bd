package dev.chainrule.testkit;

/**
 * The outcome of one Jacobian (or gradient) check: its worst entry and the largest relative error seen.
 *
 * @param what what was checked, e.g. {@code sigmoid D_x at row 2}
 * @param row the worst entry's row (output), or -1 when nothing was compared
 * @param column the worst entry's column (input or flat parameter index)
 * @param analytic the analytic value there
 * @param numeric the central-difference (or reference) value there
 * @param relativeError {@code |a − b| / max(1e-8, |a| + |b|)} at the worst entry
 * @param maxRelativeError the largest relative error over the entries judged relatively (those with
 *     {@code |a| + |b|} above the absolute floor divided by the tolerance); tiny entries are judged by the
 *     absolute floor alone, where central differences carry rounding noise
 * @param tolerance the relative tolerance
 * @param passed whether every entry passed
 */
public record CheckResult(String what, int row, int column, double analytic, double numeric,
                          double relativeError, double maxRelativeError, double tolerance, boolean passed) {

    /** One line: {@code PASS sigmoid D_x at row 0: worst (1, 1) analytic … numeric … rel … (tolerance …)}. */
    public String describe() {
        if (row == SKIPPED) {
            return "SKIP " + what;
        }
        if (row < 0) {
            return (passed ? "PASS " : "FAIL ") + what;
        }
        return String.format(java.util.Locale.ROOT,
                "%s %s: worst entry (%d, %d) analytic %.12g numeric %.12g relative error %.3g (tolerance %.1g; largest relative error %.3g)",
                passed ? "PASS" : "FAIL", what, row, column, analytic, numeric, relativeError, tolerance, maxRelativeError);
    }

    /** The {@link #row} of a check that did not run; {@link #what} says why. */
    public static final int SKIPPED = -2;

    /** A check that did not run, with the reason: counts as passed, prints as {@code SKIP}. */
    public static CheckResult skip(String why) {
        return new CheckResult(why, SKIPPED, -1, Double.NaN, Double.NaN, 0, 0, 0, true);
    }

    public boolean skipped() {
        return row == SKIPPED;
    }

    /** This result with {@code prefix} before its description (a layer index, a check case). */
    public CheckResult prefixed(String prefix) {
        return new CheckResult(prefix + what, row, column, analytic, numeric, relativeError, maxRelativeError,
                tolerance, passed);
    }

    /** Throws {@link AssertionError} with {@link #describe()} unless passed; returns this. */
    public CheckResult orThrow() {
        if (!passed) {
            throw new AssertionError(describe());
        }
        return this;
    }

    /** The worse of two results (failures first, then the larger relative error), for summaries. */
    public static CheckResult worse(CheckResult a, CheckResult b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.passed != b.passed) {
            return a.passed ? b : a;
        }
        if (a.skipped() != b.skipped()) {
            return a.skipped() ? b : a;
        }
        return b.maxRelativeError > a.maxRelativeError ? b : a;
    }
}
