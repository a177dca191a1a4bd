package dev.chainrule.api.support;

import dev.chainrule.api.Jacobian;

/**
 * {@code diag(s) − s sᵀ}, n×n, for {@code s = SM(x)}: entry {@code (i, l)} is {@code s_i(δ_il − s_l)}
 * (docs/math.md, slip 2 of the notes corrected). A dense matrix, but its VJP needs only {@code s}:
 * {@code g·(diag(s) − s sᵀ) = s ∘ (g − (g·s))}, O(n) instead of O(n²).
 */
public final class SoftmaxJacobian implements Jacobian {
    private final double[] s;

    /** @param s the softmax output at the base point (copied) */
    public SoftmaxJacobian(double[] s) {
        this.s = s.clone();
    }

    @Override
    public int rows() {
        return s.length;
    }

    @Override
    public int cols() {
        return s.length;
    }

    @Override
    public void vjp(double[] g, int gOff, double[] out, int outOff) {
        double gs = 0.0;
        for (int i = 0; i < s.length; i++) {
            gs += g[gOff + i] * s[i];
        }
        for (int i = 0; i < s.length; i++) {
            out[outOff + i] = s[i] * (g[gOff + i] - gs);
        }
    }

    @Override
    public double[][] toDense() {
        int n = s.length;
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < n; l++) {
                d[i][l] = (i == l ? s[i] : 0.0) - s[i] * s[l];
            }
        }
        return d;
    }

    @Override
    public String structure() {
        return "diag(s) − s sᵀ";
    }
}
