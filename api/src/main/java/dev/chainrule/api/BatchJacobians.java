package dev.chainrule.api;

import java.util.function.IntFunction;

/**
 * The whole-batch Jacobians behind {@link Stage#batchJacobian} and {@link Layer#batchParameterJacobian}'s
 * defaults. Here rather than in {@code api.support} so that the SPI needs no helper package (the support
 * package depends on this one, never the other way round).
 */
final class BatchJacobians {
    private BatchJacobians() {
    }

    /** {@code diag(J_0, …, J_{B−1})}, each {@code J_b} {@code m×n}: a dense {@code (B·m) × (B·n)} matrix. */
    static Jacobian blockDiagonal(IntFunction<Jacobian> row, int batch, int m, int n, String formula) {
        double[][] d = new double[batch * m][batch * n];
        for (int b = 0; b < batch; b++) {
            double[][] block = row.apply(b).toDense();
            for (int i = 0; i < m; i++) {
                System.arraycopy(block[i], 0, d[b * m + i], b * n, n);
            }
        }
        return new Dense(d, formula);
    }

    /** The per-row Jacobians {@code J_b} ({@code m × p} each) stacked: {@code (B·m) × p}. */
    static Jacobian stacked(IntFunction<Jacobian> row, int batch, int m, int p, String formula) {
        double[][] d = new double[batch * m][];
        for (int b = 0; b < batch; b++) {
            double[][] block = row.apply(b).toDense();
            for (int i = 0; i < m; i++) {
                d[b * m + i] = block[i].clone();
            }
        }
        return new Dense(d, formula);
    }

    /** A dense matrix given by its rows; {@code g·A} sums row by row, as a row-major DenseJacobian does. */
    private record Dense(double[][] a, String structure) implements Jacobian {
        @Override
        public int rows() {
            return a.length;
        }

        @Override
        public int cols() {
            return a.length == 0 ? 0 : a[0].length;
        }

        @Override
        public void vjp(double[] g, int gOff, double[] out, int outOff) {
            int n = cols();
            java.util.Arrays.fill(out, outOff, outOff + n, 0.0);
            for (int i = 0; i < a.length; i++) {
                double gi = g[gOff + i];
                for (int k = 0; k < n; k++) {
                    out[outOff + k] += gi * a[i][k];
                }
            }
        }

        @Override
        public double[][] toDense() {
            double[][] d = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i].clone();
            }
            return d;
        }
    }
}
