package dev.chainrule.losses;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Tensor;
import dev.chainrule.testkit.Exact;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Loss values summed over thousands of rows or outputs against a 40-digit reference ({@link Exact}): within
 * 1e-15 relative. Residuals near 0.4 everywhere, where a plain running sum's rounding errors pile up.
 */
class LongSumLossTest {
    private static double[] near(SplittableRandom r, int n, double value) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = value + 1e-3 * r.nextDouble();
        }
        return x;
    }

    /** Σ over rows of (1/N) Σ_i φ(p − y), φ(d) = d² or |d|, exactly. */
    private static BigDecimal reference(double[] p, double[] y, int rows, int n, boolean squared) {
        BigDecimal total = BigDecimal.ZERO;
        for (int r = 0; r < rows; r++) {
            BigDecimal row = BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                BigDecimal d = Exact.of(p[r * n + i]).subtract(Exact.of(y[r * n + i]));
                row = row.add(squared ? d.multiply(d) : d.abs());
            }
            total = total.add(Exact.div(row, n));
        }
        return total;
    }

    private static void check(String what, double got, BigDecimal reference) {
        double e = Exact.normwiseError(new double[] {got}, new BigDecimal[] {reference});
        assertTrue(e <= 1e-15, what + ": relative error " + e + " > 1e-15");
    }

    @Test
    void mseAndMaeOverFiveThousandRows() {
        SplittableRandom r = new SplittableRandom(21);
        int rows = 5000;
        double[] p = near(r, rows, 0.5);
        double[] y = near(r, rows, 0.1);
        check("mse over rows", new MeanSquaredError(1).forward(new Tensor(rows, 1, p), new Tensor(rows, 1, y)),
                reference(p, y, rows, 1, true));
        check("mae over rows", new MeanAbsoluteError(1).forward(new Tensor(rows, 1, p), new Tensor(rows, 1, y)),
                reference(p, y, rows, 1, false));
    }

    @Test
    void mseAndMaeOverFortyThousandOutputs() {
        SplittableRandom r = new SplittableRandom(22);
        int n = 40_000;
        double[] p = near(r, 2 * n, 0.5);
        double[] y = near(r, 2 * n, 0.1);
        check("mse over outputs", new MeanSquaredError(n).forward(new Tensor(2, n, p), new Tensor(2, n, y)),
                reference(p, y, 2, n, true));
        check("mae over outputs", new MeanAbsoluteError(n).forward(new Tensor(2, n, p), new Tensor(2, n, y)),
                reference(p, y, 2, n, false));
    }
}
