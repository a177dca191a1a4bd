package dev.chainrule.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blocked product against plain loops: bitwise against the fused-multiply-add loop in the documented
 * order (so blocking, packing and the vector tile change no bit), within rounding against the textbook loop,
 * and bitwise the same at 1, 2 and 3 threads.
 */
class GemmTest {
    private static final int[][] SIZES = {
        {1, 1, 1}, {3, 5, 7}, {4, 8, 1}, {13, 17, 9}, {64, 288, 121}, {200, 9, 300}, {37, 70, 600}, {130, 2100, 5},
    };

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(Parallelism.defaultThreads());
    }

    /** op(A)(i, p) for A stored with row stride lda. */
    private static double at(double[] a, int lda, boolean t, int i, int p) {
        return t ? a[p * lda + i] : a[i * lda + p];
    }

    private static double[] reference(boolean ta, boolean tb, int m, int n, int k, double[] a, int lda, double[] b, int ldb,
            double[] c0, int ldc, boolean fused) {
        double[] c = c0.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = c[i * ldc + j];
                for (int p = 0; p < k; p++) {
                    double x = at(a, lda, ta, i, p);
                    double y = at(b, ldb, tb, p, j);
                    s = fused ? Math.fma(x, y, s) : s + x * y;
                }
                c[i * ldc + j] = s;
            }
        }
        return c;
    }

    private static double[] random(int len, SplittableRandom rng) {
        double[] d = new double[len];
        for (int i = 0; i < len; i++) {
            d[i] = rng.nextDouble(-1, 1);
        }
        return d;
    }

    @Test
    void everyVariantEqualsTheFusedLoopBitwiseAndTheTextbookLoopWithinRounding() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int[] s : SIZES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int v = 0; v < 4; v++) {
                boolean ta = (v & 1) != 0;
                boolean tb = (v & 2) != 0;
                // strides wider than the matrices, to catch an offset that assumes packed storage
                int lda = (ta ? m : k) + 3;
                int ldb = (tb ? k : n) + 2;
                int ldc = n + 1;
                double[] a = random((ta ? k : m) * lda, rng);
                double[] b = random((tb ? n : k) * ldb, rng);
                double[] c0 = random(m * ldc, rng);
                for (boolean acc : new boolean[] {false, true}) {
                    double[] start = acc ? c0 : zeroedTiles(c0, m, n, ldc);
                    double[] want = reference(ta, tb, m, n, k, a, lda, b, ldb, start, ldc, true);
                    double[] loose = reference(ta, tb, m, n, k, a, lda, b, ldb, start, ldc, false);
                    double[] got = c0.clone();
                    Gemm.multiply(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, got, 0, ldc, acc);
                    String what = m + "×" + n + "×" + k + (ta ? " Aᵀ" : " A") + (tb ? "Bᵀ" : "B") + (acc ? " +=" : " =");
                    assertArrayEquals(want, got, what + " (kernel " + Gemm.kernelName() + ")");
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(loose[i], got[i], 1e-12 * (k + 1), what);
                    }
                }
            }
        }
    }

    /** c0 with the m×n block zeroed (what "C = A·B" leaves outside is untouched). */
    private static double[] zeroedTiles(double[] c0, int m, int n, int ldc) {
        double[] c = c0.clone();
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(c, i * ldc, i * ldc + n, 0.0);
        }
        return c;
    }

    @Test
    void aPackedOperandGivesTheBitsOfTheOneTheProductPacksItself() {
        SplittableRandom rng = new SplittableRandom(13);
        // k above KC (256) so that a packed operand spans two k blocks; n above NC for the column blocks
        for (int[] s : new int[][] {{1, 1, 1}, {64, 121, 288}, {121, 288, 64}, {32, 676, 9}, {5, 2100, 300}, {37, 13, 520}}) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int v = 0; v < 4; v++) {
                boolean ta = (v & 1) != 0;
                boolean tb = (v & 2) != 0;
                int lda = (ta ? m : k) + 1;
                int ldb = (tb ? k : n) + 2;
                double[] a = random((ta ? k : m) * lda, rng);
                double[] b = random((tb ? n : k) * ldb, rng);
                double[] c0 = random(m * n, rng);
                for (boolean acc : new boolean[] {false, true}) {
                    String what = m + "×" + n + "×" + k + (ta ? " Aᵀ" : " A") + (tb ? "Bᵀ" : "B") + (acc ? " +=" : " =");
                    double[] want = c0.clone();
                    Gemm.multiply(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, want, 0, n, acc, 1);
                    double[] left = c0.clone();
                    Gemm.multiply(Gemm.packLeft(ta, m, k, a, 0, lda), tb, n, b, 0, ldb, left, 0, n, acc);
                    assertArrayEquals(want, left, what + " with A packed once");
                    double[] right = c0.clone();
                    Gemm.multiply(ta, m, a, 0, lda, Gemm.packRight(tb, k, n, b, 0, ldb), right, 0, n, acc);
                    assertArrayEquals(want, right, what + " with B packed once");
                }
            }
        }
    }

    @Test
    void oneTwoAndThreeThreadsGiveTheSameBits() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int[] s : new int[][] {{64, 288, 121}, {1000, 64, 288}, {32, 9, 5000}, {37, 1030, 300}}) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int v = 0; v < 4; v++) {
                boolean ta = (v & 1) != 0;
                boolean tb = (v & 2) != 0;
                double[] a = random(m * k, rng);
                double[] b = random(k * n, rng);
                double[][] got = new double[3][];
                for (int t = 1; t <= 3; t++) {
                    Parallelism.setThreads(t);
                    double[] c = new double[m * n];
                    Gemm.multiply(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, c, 0, n, false, t);
                    got[t - 1] = c;
                }
                assertArrayEquals(got[0], got[1], m + "×" + n + "×" + k + ": 2 threads differ from 1");
                assertArrayEquals(got[0], got[2], m + "×" + n + "×" + k + ": 3 threads differ from 1");
            }
        }
    }

    @Test
    void theVectorTileRunsWhenTheModuleIsPresent() {
        // surefire runs with --add-modules jdk.incubator.vector; on a CPU with 256-bit vectors the tile must be the
        // vector one, or the speed figures would silently measure the fallback
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256) {
            assertEquals("vector", Gemm.kernelName());
        } else {
            assertTrue(Gemm.kernelName().equals("scalar"));
        }
    }
}
