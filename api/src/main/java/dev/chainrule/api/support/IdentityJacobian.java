package dev.chainrule.api.support;

import dev.chainrule.api.Jacobian;

/** {@code I_n}, n×n: the Jacobian of {@code Wx + b} with respect to {@code b}. VJP: {@code g} itself. */
public final class IdentityJacobian implements Jacobian {
    private final int n;

    public IdentityJacobian(int n) {
        this.n = n;
    }

    @Override
    public int rows() {
        return n;
    }

    @Override
    public int cols() {
        return n;
    }

    @Override
    public void vjp(double[] g, int gOff, double[] out, int outOff) {
        System.arraycopy(g, gOff, out, outOff, n);
    }

    @Override
    public double[][] toDense() {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1.0;
        }
        return m;
    }

    @Override
    public String structure() {
        return "I_" + n;
    }
}
