package dev.chainrule.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector kernels give bitwise the scalar kernels' results (so a JVM without the module trains the same). */
class KernelsTest {
    private static final SplittableRandom RNG = new SplittableRandom(11);

    private static Kernels vector() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "jdk.incubator.vector not added");
        try {
            return new VectorKernels();
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, e.getMessage());
            return null;
        }
    }

    private static double[] random(int len) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) {
            a[i] = RNG.nextDouble(-1, 1) * Math.pow(10, RNG.nextInt(-3, 3));
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 7, 8, 10, 15, 16, 17, 33, 64, 128})
    void vectorMatchesScalarBitwise(int m) {
        Kernels v = vector();
        Kernels s = new ScalarKernels();
        double[] a = random(m + 5);
        double[] b = random(m + 5);

        double[] y1 = random(m + 3);
        double[] y2 = y1.clone();
        s.axpy(0.37, a, 1, y1, 3, m);
        v.axpy(0.37, a, 1, y2, 3, m);
        assertArrayEquals(y1, y2);

        s.descend(0.1, 0.8, a, 4, y1, 2, m);
        v.descend(0.1, 0.8, a, 4, y2, 2, m);
        assertArrayEquals(y1, y2);

        int n = 20;
        double[] w = random(n * m);
        int[] cols = {0, 3, 4, 9, 19};
        double[] c = random(cols.length);
        double[] z1 = random(m + 2);
        double[] z2 = z1.clone();
        s.columnsAxpy(w, m, cols, c, 0, cols.length, z1, 2);
        v.columnsAxpy(w, m, cols, c, 0, cols.length, z2, 2);
        assertArrayEquals(z1, z2);

        double[] w2 = w.clone();
        s.columnsDescend(0.05, a, 1, cols, c, cols.length, w, m);
        v.columnsDescend(0.05, a, 1, cols, c, cols.length, w2, m);
        assertArrayEquals(w, w2);
    }

    /** The mini-batch panel kernels: vector against scalar, and both against one plain loop per entry. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 40})
    void panelKernelsMatchTheirLoopsBitwise(int entries) {
        int m = 48;
        int n = 60;
        int i0 = 16;
        int len = Kernels.PANEL;
        int[] idx = new int[entries];
        double[] c = random(entries);
        for (int j = 0; j < entries; j++) {
            idx[j] = RNG.nextInt(n); // repeats allowed: order matters and is kept
        }
        double[] w = random(n * m);
        double[] g = random(n * m);
        for (Kernels k : new Kernels[] {new ScalarKernels(), vector()}) {
            double[] z = random(len + 3);
            double[] expected = z.clone();
            for (int j = 0; j < entries; j++) {
                for (int i = 0; i < len; i++) {
                    expected[3 + i] += c[j] * w[idx[j] * m + i0 + i];
                }
            }
            k.panelAxpy(w, m, i0, len, idx, c, 0, entries, z, 3);
            assertArrayEquals(expected, z, k.name() + " panelAxpy");

            // one column's piece (column 7, rows i0..) stepped by the listed rows of G
            double[] w1 = w.clone();
            double[] w2 = w.clone();
            double[] acc1 = w.clone();
            double[] acc2 = w.clone();
            for (int j = 0; j < entries; j++) {
                for (int i = 0; i < len; i++) {
                    w1[7 * m + i0 + i] -= 0.05 * (g[idx[j] * m + i0 + i] * c[j]);
                    acc1[7 * m + i0 + i] += c[j] * g[idx[j] * m + i0 + i];
                }
            }
            k.descendRows(0.05, g, m, i0, idx, c, 0, entries, w2, 7 * m + i0, len);
            // the gradient's accumulation over rows is panelAxpy with G's rows for W's columns
            k.panelAxpy(g, m, i0, len, idx, c, 0, entries, acc2, 7 * m + i0);
            assertArrayEquals(w1, w2, k.name() + " descendRows");
            assertArrayEquals(acc1, acc2, k.name() + " panelAxpy over G's rows");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 17, 128})
    void columnDotsAreTheTextbookRunningSumsBitwise(int n) {
        for (int m : new int[] {1, 13, 64}) {
            double[] w = random(n * m);
            double[] g = random(m + 1);
            for (Kernels kernels : new Kernels[] {new ScalarKernels(), Kernels.INSTANCE}) {
                double[] out = new double[n + 2];
                kernels.columnDots(w, m, n, g, 1, out, 2);
                for (int k = 0; k < n; k++) {
                    double s = 0.0;
                    for (int i = 0; i < m; i++) {
                        s += w[k * m + i] * g[1 + i];
                    }
                    assertEquals(Double.doubleToLongBits(s), Double.doubleToLongBits(out[2 + k]),
                            kernels.name() + " m " + m + " column " + k);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 13, 64})
    void columnsAxpyIsOneAxpyPerColumnInOrder(int m) {
        Kernels k = Kernels.INSTANCE;
        int n = 6;
        double[] w = random(n * m);
        int[] cols = {5, 1, 2};
        double[] c = random(3);
        double[] z1 = random(m);
        double[] z2 = z1.clone();
        k.columnsAxpy(w, m, cols, c, 0, 3, z1, 0);
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < m; i++) {
                z2[i] += c[j] * w[cols[j] * m + i];
            }
        }
        assertArrayEquals(z2, z1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 5, 17, 64})
    void reluAndItsVjpMatchTheScalarLoopBitwiseOnEveryKindOfValue(int len) {
        double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, -Double.MIN_VALUE};
        double[] x = random(len + 2);
        double[] g = random(len + 2);
        for (int i = 0; i < x.length; i++) {
            if (i % 3 == 0) {
                x[i] = special[(i / 3) % special.length];
            }
            if (i % 4 == 1) {
                g[i] = special[(i / 4 + 2) % special.length];
            }
        }
        double[] want = new double[x.length];
        for (int i = 1; i <= len; i++) {
            want[i] = x[i] > 0.0 ? x[i] : 0.0;
        }
        double[] wantG = new double[x.length];
        for (int i = 1; i <= len; i++) {
            wantG[i] = g[i] * (want[i] > 0.0 ? 1.0 : 0.0);
        }
        for (Kernels k : new Kernels[] {new ScalarKernels(), vector()}) {
            double[] y = new double[x.length];
            k.relu(x, y, 1, len + 1);   // an offset range: the ends stay untouched
            double[] out = new double[x.length];
            k.reluVjp(g, y, out, 1, len + 1);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(y[i]),
                        k.name() + " relu(" + x[i] + ") at " + i);
                assertEquals(Double.doubleToRawLongBits(wantG[i]), Double.doubleToRawLongBits(out[i]),
                        k.name() + " relu vjp of " + g[i] + " at " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 5, 17, 64})
    void sigmoidMatchesTheScalarFormulaBitwiseOnEveryKindOfValue(int len) {
        double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, -Double.MIN_VALUE, 40.0, -40.0, 750.0, -750.0};
        double[] z = random(len + 2);
        for (int i = 0; i < z.length; i++) {
            if (i % 3 == 0) {
                z[i] = special[(i / 3) % special.length];
            } else if (i % 3 == 1) {
                z[i] *= 30;
            }
        }
        double[] want = new double[z.length];
        double[] wantD = new double[z.length];
        for (int i = 1; i <= len; i++) {
            // Sigmoid's formula, written out: σ(|z|) = 1/(1+t), σ(−|z|) = t/(1+t), σ′ = t/(1+t)², t = e^{−|z|}
            double t = Math.exp(-Math.abs(z[i]));
            want[i] = z[i] >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t);
            wantD[i] = t / ((1.0 + t) * (1.0 + t));
        }
        for (Kernels k : new Kernels[] {new ScalarKernels(), vector()}) {
            double[] y = new double[z.length];
            double[] d = new double[z.length];
            k.sigmoid(z, y, d, 1, len + 1);   // an offset range: the ends stay untouched
            for (int i = 0; i < z.length; i++) {
                assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(y[i]),
                        k.name() + " sigmoid(" + z[i] + ") at " + i);
                assertEquals(Double.doubleToRawLongBits(wantD[i]), Double.doubleToRawLongBits(d[i]),
                        k.name() + " sigmoid'(" + z[i] + ") at " + i);
            }
        }
    }
}
