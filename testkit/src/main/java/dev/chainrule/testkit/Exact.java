package dev.chainrule.testkit;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * A high-precision reference for a stage's forward values and gradients, to measure how far the stage's
 * {@code double} arithmetic is from the true result: every {@code double} converts to a {@link BigDecimal}
 * exactly, sums and products of them are exact, and divisions and square roots keep {@link #MC}'s 40
 * significant digits (a long double has 19, a double-double 32). A test writes the stage's formula with these
 * and compares the stage's output by {@link #normwiseError}.
 *
 * <p>For example, a mean over n values and its error: {@code Exact.div(Exact.sum(x, 0, n), n)} against the
 * stage's μ. Slow (a few microseconds per operation): meant for small cases whose sums are still long.
 */
public final class Exact {
    /** 40 significant digits, rounding half to even. */
    public static final MathContext MC = new MathContext(40);

    private Exact() {
    }

    /** {@code x} exactly. */
    public static BigDecimal of(double x) {
        return new BigDecimal(x);
    }

    /** {@code Σ x[off + i]}, i = 0 … n−1, exactly. */
    public static BigDecimal sum(double[] x, int off, int n) {
        BigDecimal s = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            s = s.add(new BigDecimal(x[off + i]));
        }
        return s;
    }

    /** {@code Σ a[aOff + i]·b[bOff + i]}, exactly (the products unrounded). */
    public static BigDecimal dot(double[] a, int aOff, double[] b, int bOff, int n) {
        BigDecimal s = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            s = s.add(new BigDecimal(a[aOff + i]).multiply(new BigDecimal(b[bOff + i])));
        }
        return s;
    }

    /** {@code a / n} to {@link #MC}. */
    public static BigDecimal div(BigDecimal a, long n) {
        return a.divide(BigDecimal.valueOf(n), MC);
    }

    /** {@code 1/√a} to {@link #MC}. */
    public static BigDecimal inverseSqrt(BigDecimal a) {
        return BigDecimal.ONE.divide(a.sqrt(MC), MC);
    }

    /**
     * {@code ‖got − reference‖₂ / ‖reference‖₂}, the difference taken before rounding the reference, the norms
     * in {@code double} (enough for an error figure). 0 when both are zero, infinite when only the reference is.
     */
    public static double normwiseError(double[] got, BigDecimal[] reference) {
        if (got.length != reference.length) {
            throw new IllegalArgumentException(got.length + " values against a reference of " + reference.length);
        }
        double diff = 0.0;
        double norm = 0.0;
        for (int i = 0; i < got.length; i++) {
            double d = new BigDecimal(got[i]).subtract(reference[i]).doubleValue();
            double r = reference[i].doubleValue();
            diff += d * d;
            norm += r * r;
        }
        if (norm == 0.0) {
            return diff == 0.0 ? 0.0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(diff / norm);
    }
}
