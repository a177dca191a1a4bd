package dev.chainrule.api.support;

import dev.chainrule.api.Jacobian;

/**
 * {@code I_m ⊗ xᵀ}, m × mn: the Jacobian of {@code Wx + b} with respect to {@code W ∈ R^{m×n}}, flattened
 * row-major. Row {@code i} holds {@code xᵀ} in columns {@code i·n … i·n+n-1} and zeros elsewhere (output
 * {@code i} depends only on row {@code i} of {@code W}).
 *
 * <p>VJP: {@code g·(I_m ⊗ xᵀ)} is the outer product {@code gᵀxᵀ} (m×n) flattened row-major, O(mn) — the
 * dense matrix would have m·m·n entries, which training never builds.
 */
public final class KroneckerJacobian implements Jacobian {
    private final int m;
    private final double[] x;

    /** @param m the number of outputs; @param x the input at the base point (copied) */
    public KroneckerJacobian(int m, double[] x) {
        this.m = m;
        this.x = x.clone();
    }

    @Override
    public int rows() {
        return m;
    }

    @Override
    public int cols() {
        return m * x.length;
    }

    @Override
    public void vjp(double[] g, int gOff, double[] out, int outOff) {
        int n = x.length;
        for (int i = 0; i < m; i++) {
            double gi = g[gOff + i];
            int base = outOff + i * n;
            for (int k = 0; k < n; k++) {
                out[base + k] = gi * x[k];
            }
        }
    }

    @Override
    public double[][] toDense() {
        int n = x.length;
        double[][] d = new double[m][m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(x, 0, d[i], i * n, n);
        }
        return d;
    }

    @Override
    public String structure() {
        return "I_" + m + " ⊗ xᵀ";
    }
}
