package dev.chainrule.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Central differences and comparisons for the training-mode checks, kept here rather than in the testkit so
 * these tests do not depend on how the testkit grows: a batch-level Jacobian needs every one of the B·n
 * inputs perturbed through one whole-batch forward.
 */
final class Numeric {
    private Numeric() {
    }

    /** {@code (f(w + εe_j) − f(w − εe_j)) / 2ε} column by column, ε = 1e-6·max(1, |w_j|). */
    static double[][] jacobian(Function<double[], double[]> f, double[] w) {
        int m = f.apply(w.clone()).length;
        double[][] d = new double[m][w.length];
        for (int j = 0; j < w.length; j++) {
            double eps = 1e-6 * Math.max(1.0, Math.abs(w[j]));
            double[] v = w.clone();
            v[j] = w[j] + eps;
            double[] plus = f.apply(v.clone());
            v[j] = w[j] - eps;
            double[] minus = f.apply(v.clone());
            for (int i = 0; i < m; i++) {
                d[i][j] = (plus[i] - minus[i]) / (2 * eps);
            }
        }
        return d;
    }

    /** Entry by entry: relative error ≤ tol or absolute error ≤ 1e-8 (rounding of a difference quotient). */
    static void assertClose(String what, double[][] expected, double[][] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": rows");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + ": columns of row " + i);
            for (int j = 0; j < expected[i].length; j++) {
                double a = actual[i][j];
                double e = expected[i][j];
                double diff = Math.abs(a - e);
                if (!(diff <= 1e-8 || diff <= tol * (Math.abs(a) + Math.abs(e)))) {
                    fail(String.format("%s: entry (%d, %d) is %.12g, expected %.12g", what, i, j, a, e));
                }
            }
        }
    }

    static void assertClose(String what, double[] expected, double[] actual, double tol) {
        assertClose(what, new double[][] {expected}, new double[][] {actual}, tol);
    }

    /** {@code g · D} for a row vector g and a dense D. */
    static double[] rowTimes(double[] g, double[][] d) {
        double[] out = new double[d.length == 0 ? 0 : d[0].length];
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < out.length; j++) {
                out[j] += g[i] * d[i][j];
            }
        }
        return out;
    }

    static Tensor uniform(int rows, int cols, double a, SplittableRandom rng) {
        Tensor t = new Tensor(rows, cols);
        double[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextDouble(-a, a);
        }
        return t;
    }

    static double[][] snapshot(List<Buffer> buffers) {
        double[][] s = new double[buffers.size()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = buffers.get(i).values().clone();
        }
        return s;
    }

    static void restore(List<Buffer> buffers, double[][] s) {
        for (int i = 0; i < s.length; i++) {
            System.arraycopy(s[i], 0, buffers.get(i).values(), 0, s[i].length);
        }
    }

    /** The whole batch flattened, as one vector of B·m. */
    static double[] flat(Tensor t) {
        return t.data().clone();
    }

    static Tensor batch(int rows, int cols, double[] v) {
        return new Tensor(rows, cols, v);
    }

    static void requireFinite(Stage s, Tensor y) {
        for (double v : y.data()) {
            if (!Double.isFinite(v)) {
                fail(s.type() + " gave a non-finite output");
            }
        }
    }
}
