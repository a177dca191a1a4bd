package dev.chainrule.api.support;

import dev.chainrule.api.Jacobian;

/**
 * {@code diag(d_1 … d_n)}, n×n: the Jacobian of an elementwise map {@code f(z)_i = φ(z_i)} with
 * {@code d_i = φ'(z_i)}. VJP: {@code g ∘ d}, O(n).
 */
public final class DiagonalJacobian implements Jacobian {
    private final double[] d;
    private final String formula;

    /** @param d the diagonal (copied); @param formula what the diagonal is, e.g. {@code σ(z)∘(1-σ(z))} */
    public DiagonalJacobian(double[] d, String formula) {
        this.d = d.clone();
        this.formula = formula;
    }

    public double[] diagonal() {
        return d.clone();
    }

    @Override
    public int rows() {
        return d.length;
    }

    @Override
    public int cols() {
        return d.length;
    }

    @Override
    public void vjp(double[] g, int gOff, double[] out, int outOff) {
        for (int i = 0; i < d.length; i++) {
            out[outOff + i] = g[gOff + i] * d[i];
        }
    }

    @Override
    public double[][] toDense() {
        double[][] m = new double[d.length][d.length];
        for (int i = 0; i < d.length; i++) {
            m[i][i] = d[i];
        }
        return m;
    }

    @Override
    public String structure() {
        return "diag(" + formula + ")";
    }
}
