package dev.chainrule.kernels;


import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mini-batch {@code g·D_x} tiles ({@link Kernels#dotsTile}) give bitwise the simple loops' results, with
 * the vector and the scalar implementation, and a batch through {@link Dense} is bitwise the per-row loops,
 * on sparse (MNIST-like) and dense inputs.
 */
class TileKernelsTest {
    private static List<Kernels> kernels() {
        List<Kernels> ks = new ArrayList<>();
        ks.add(new ScalarKernels());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                ks.add(new VectorKernels());
            } catch (UnsupportedOperationException e) {
                // no 256-bit vectors: the scalar kernels are the ones in use
            }
        }
        return ks;
    }

    /** Rows of {@code n} entries, a fraction {@code density} of them non-zero in (0, 1]. */
    private static double[] inputs(SplittableRandom r, int rows, int n, double density) {
        double[] x = new double[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble() < density ? r.nextInt(1, 256) / 255.0 : 0.0;
        }
        return x;
    }

    private static double[] uniform(SplittableRandom r, int len) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) {
            a[i] = r.nextDouble(-1, 1);
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 16, 32, 33, 128})
    void dotsTilesAreTheTextbookSumsBitwise(int batch) {
        SplittableRandom r = new SplittableRandom(200 + batch);
        for (int[] shape : new int[][] {{128, 64}, {64, 10}, {9, 13}}) {
            int n = shape[0];
            int m = shape[1];
            double[] w = uniform(r, n * m);
            double[] g = uniform(r, batch * m);
            double[] gt = new double[m * batch];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < m; i++) {
                    gt[i * batch + b] = g[b * m + i];
                }
            }
            for (Kernels kern : kernels()) {
                double[] outT = new double[n * batch];
                for (int b0 = 0; b0 + Kernels.DOT_ROWS <= batch; b0 += Kernels.DOT_ROWS) {
                    for (int k = 0; k < n; k += 4) {
                        kern.dotsTile(gt, batch, b0, w, m, k, Math.min(4, n - k), outT);
                    }
                }
                for (int b = 0; b < batch - batch % Kernels.DOT_ROWS; b++) {
                    for (int k = 0; k < n; k++) {
                        double s = 0.0;
                        for (int i = 0; i < m; i++) {
                            s += w[k * m + i] * g[b * m + i];
                        }
                        assertBits(s, outT[k * batch + b], kern.name() + " (gW)[" + b + "," + k + "]");
                    }
                }
            }
        }
    }


    private static void assertBits(double expected, double actual, String what) {
        if (Double.doubleToLongBits(expected) != Double.doubleToLongBits(actual)) {
            throw new AssertionError(what + ": expected " + expected + " got " + actual);
        }
    }
}
