package dev.chainrule.api.support;

import dev.chainrule.api.Jacobian;

/**
 * A general m×n matrix {@code A}: the Jacobian of {@code Wx + b} with respect to {@code x} is {@code W}.
 * VJP: {@code g A}, O(mn).
 *
 * <p>The entries may be stored row-major ({@code a[i*n + k] = A_ik}) or column-major
 * ({@code a[k*m + i] = A_ik}); a dense layer keeps {@code W} column-major so that a column is contiguous,
 * and hands its storage over without copying.
 */
public final class DenseJacobian implements Jacobian {
    private final int m;
    private final int n;
    private final double[] a;
    private final boolean columnMajor;
    private final String formula;

    private DenseJacobian(int m, int n, double[] a, boolean columnMajor, String formula) {
        if (a.length != m * n) {
            throw new IllegalArgumentException(m + "×" + n + " matrix needs " + m * n + " values, got " + a.length);
        }
        this.m = m;
        this.n = n;
        this.a = a;
        this.columnMajor = columnMajor;
        this.formula = formula;
    }

    /** Row-major storage, copied. */
    public static DenseJacobian rowMajor(int m, int n, double[] a, String formula) {
        return new DenseJacobian(m, n, a.clone(), false, formula);
    }

    /** Column-major storage, copied. */
    public static DenseJacobian columnMajor(int m, int n, double[] a, String formula) {
        return new DenseJacobian(m, n, a.clone(), true, formula);
    }

    /** From a dense matrix (copied). */
    public static DenseJacobian of(double[][] rows, String formula) {
        int m = rows.length;
        int n = m == 0 ? 0 : rows[0].length;
        double[] a = new double[m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(rows[i], 0, a, i * n, n);
        }
        return new DenseJacobian(m, n, a, false, formula);
    }

    public double get(int i, int k) {
        return columnMajor ? a[k * m + i] : a[i * n + k];
    }

    @Override
    public int rows() {
        return m;
    }

    @Override
    public int cols() {
        return n;
    }

    @Override
    public void vjp(double[] g, int gOff, double[] out, int outOff) {
        if (columnMajor) {
            // (gA)_k = Σ_i g_i A_ik: column k is contiguous.
            for (int k = 0; k < n; k++) {
                double s = 0.0;
                int base = k * m;
                for (int i = 0; i < m; i++) {
                    s += g[gOff + i] * a[base + i];
                }
                out[outOff + k] = s;
            }
        } else {
            java.util.Arrays.fill(out, outOff, outOff + n, 0.0);
            for (int i = 0; i < m; i++) {
                double gi = g[gOff + i];
                int base = i * n;
                for (int k = 0; k < n; k++) {
                    out[outOff + k] += gi * a[base + k];
                }
            }
        }
    }

    @Override
    public double[][] toDense() {
        double[][] d = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < n; k++) {
                d[i][k] = get(i, k);
            }
        }
        return d;
    }

    @Override
    public String structure() {
        return formula;
    }
}
