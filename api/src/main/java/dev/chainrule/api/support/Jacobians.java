package dev.chainrule.api.support;


import dev.chainrule.api.Jacobian;
import java.util.function.IntFunction;

/** Helpers for building whole-batch Jacobians from per-row ones. */
public final class Jacobians {
    private Jacobians() {
    }

    /**
     * {@code diag(J_0, …, J_{B−1})}, each {@code J_b} {@code m×n}, as a dense {@code (B·m) × (B·n)} matrix.
     */
    public static Jacobian blockDiagonal(IntFunction<Jacobian> row, int batch, int m, int n, String formula) {
        double[][] d = new double[batch * m][batch * n];
        for (int b = 0; b < batch; b++) {
            double[][] block = row.apply(b).toDense();
            for (int i = 0; i < m; i++) {
                System.arraycopy(block[i], 0, d[b * m + i], b * n, n);
            }
        }
        return DenseJacobian.of(d, formula);
    }

    /** The per-row Jacobians {@code J_b} ({@code m × p} each) stacked: {@code (B·m) × p}. */
    public static Jacobian stacked(IntFunction<Jacobian> row, int batch, int m, int p, String formula) {
        double[][] d = new double[batch * m][];
        for (int b = 0; b < batch; b++) {
            double[][] block = row.apply(b).toDense();
            for (int i = 0; i < m; i++) {
                d[b * m + i] = block[i].clone();
            }
        }
        return DenseJacobian.of(d, formula);
    }
}
