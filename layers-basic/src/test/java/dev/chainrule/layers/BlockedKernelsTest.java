package dev.chainrule.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chainrule.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mini-batch kernels (register tiles over several rows or columns) give bitwise the simple loops'
 * results, with the vector and the scalar implementation, on sparse (MNIST-like) and dense inputs.
 */
class BlockedKernelsTest {
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
    @ValueSource(ints = {2, 3, 5, 32, 33, 128})
    void forwardBlocksAreTheTextbookSumsBitwise(int batch) {
        SplittableRandom r = new SplittableRandom(batch);
        for (int[] shape : new int[][] {{784, 128}, {128, 64}, {64, 10}, {9, 13}}) {
            int n = shape[0];
            int m = shape[1];
            double[] w = uniform(r, n * m); // column-major: w[k·m + i] = W_ik
            double[] x = inputs(r, batch, n, n == 784 ? 0.2 : 0.9);
            int blocks = batch / Kernels.ROWS;
            for (Kernels k : kernels()) {
                double[] z = new double[batch * m];
                int[] runs = new int[n + 1];
                for (int blk = 0; blk < blocks; blk++) {
                    // runs: [0, n/3) and [n/2, n): a gap, and both ends
                    runs[0] = 0;
                    runs[1] = n / 3;
                    runs[2] = n / 2;
                    runs[3] = n;
                    int r0 = blk * Kernels.ROWS;
                    double[] xs = x.clone();
                    k.forwardRows4(w, m, runs, 4, xs, r0 * n, n, z, r0 * m);
                }
                for (int b = 0; b < blocks * Kernels.ROWS; b++) {
                    for (int i = 0; i < m; i++) {
                        double s = 0.0;
                        for (int kk = 0; kk < n; kk++) {
                            if (kk < n / 3 || kk >= n / 2) {
                                s += x[b * n + kk] * w[kk * m + i];
                            }
                        }
                        assertBits(s, z[b * m + i], k.name() + " z[" + b + "," + i + "] " + n + "→" + m);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 32, 33, 128})
    void gradientColumnsAreTheSumOverRowsInOrderBitwise(int batch) {
        SplittableRandom r = new SplittableRandom(100 + batch);
        for (int[] shape : new int[][] {{784, 128}, {128, 64}, {64, 10}, {9, 13}}) {
            int n = shape[0];
            int m = shape[1];
            double[] x = inputs(r, batch, n, n == 784 ? 0.2 : 0.9);
            double[] g = uniform(r, batch * m);
            double[] xt = new double[n * batch];
            for (int b = 0; b < batch; b++) {
                for (int k = 0; k < n; k++) {
                    xt[k * batch + b] = x[b * n + k];
                }
            }
            double[] gp = new double[m * batch];
            Kernels.panels(g, batch, m, gp);
            // every column, in blocks of 4 and a short last block; also a list with gaps
            int[] cols = new int[n];
            int count = 0;
            for (int k = 0; k < n; k++) {
                if (k % 5 != 2) {
                    cols[count++] = k;
                }
            }
            double[] w0 = uniform(r, n * m);
            double eta = 0.0371;
            for (Kernels kern : kernels()) {
                double[] w = w0.clone();
                for (int j = 0; j < count; j += 4) {
                    kern.gradientColumns4(xt, batch, g, gp, m, cols, j, Math.min(4, count - j), w, -eta,
                            new int[batch], new double[4 * batch]);
                }
                double[] expected = w0.clone();
                for (int j = 0; j < count; j++) {
                    int k = cols[j];
                    for (int i = 0; i < m; i++) {
                        double acc = 0.0;
                        for (int b = 0; b < batch; b++) {
                            acc += x[b * n + k] * g[b * m + i];
                        }
                        expected[k * m + i] -= eta * acc;
                    }
                }
                assertArrayEquals(expected, w, kern.name() + " W after the step, " + n + "→" + m + ", batch " + batch);
            }
        }
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

    /** Through the layer: a batch's forward pass and {@code g·D_x} are bitwise the per-row textbook loops. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 32, 33, 128})
    void denseBatchIsBitwiseTheTextbookPerRow(int batch) {
        SplittableRandom r = new SplittableRandom(300 + batch);
        for (int[] shape : new int[][] {{784, 128}, {128, 64}, {64, 10}}) {
            int n = shape[0];
            int m = shape[1];
            Dense d = new Dense(n, m, Dense.Initializer.GLOROT_UNIFORM, batch);
            Tensor x = new Tensor(batch, n);
            System.arraycopy(inputs(r, batch, n, n == 784 ? 0.2 : 0.9), 0, x.data(), 0, batch * n);
            Tensor g = new Tensor(batch, m);
            System.arraycopy(uniform(r, batch * m), 0, g.data(), 0, batch * m);
            double[] z = d.forward(x).data().clone();
            double[] gx = d.backward(g, true).data();
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < m; i++) {
                    double s = d.bias().value()[i];
                    for (int k = 0; k < n; k++) {
                        if (x.data()[b * n + k] != 0.0) {
                            s += x.data()[b * n + k] * d.weight().get(i * n + k);
                        }
                    }
                    assertBits(s, z[b * m + i], "z[" + b + "," + i + "]");
                }
                for (int k = 0; k < n; k++) {
                    double s = 0.0;
                    for (int i = 0; i < m; i++) {
                        s += d.weight().get(i * n + k) * g.data()[b * m + i];
                    }
                    assertBits(s, gx[b * n + k], "(gW)[" + b + "," + k + "]");
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
