package dev.chainrule.layers;

import dev.chainrule.api.Tensor;
import dev.chainrule.kernels.DenseKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dense's batched paths (panels, tiles, GEMM, threads) against per-row textbook loops, bitwise: below
 * {@link DenseKernels#GEMM_ROWS} rows, and for sparse inputs, the unfused sums over the non-zero inputs; from
 * it on, dense inputs and {@code g·D_x} go through {@code Gemm}, whose sums are fused multiply-adds in
 * ascending order.
 */
class DenseBatchBitwiseTest {
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

    /**
     * Through the layer: a batch's forward pass, {@code g·D_x} and {@code g·D_W} are bitwise the per-row textbook
     * loops, whatever the batch size (GEMM tiles, a padded last tile, or one row at a time).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 13, 32, 33, 128})
    void denseBatchIsBitwiseTheTextbookPerRow(int batch) {
        SplittableRandom r = new SplittableRandom(300 + batch);
        for (int[] shape : new int[][] {{784, 128}, {128, 64}, {64, 10}}) {
            int n = shape[0];
            int m = shape[1];
            Dense d = new Dense(n, m, Initializer.GLOROT_UNIFORM, batch);
            Tensor x = new Tensor(batch, n);
            System.arraycopy(inputs(r, batch, n, n == 784 ? 0.2 : 0.9), 0, x.data(), 0, batch * n);
            Tensor g = new Tensor(batch, m);
            System.arraycopy(uniform(r, batch * m), 0, g.data(), 0, batch * m);
            boolean fused = batch >= DenseKernels.GEMM_ROWS;
            boolean fusedForward = fused && n != 784; // the sparse MNIST-like input stays on the column lists
            double[] z = d.forward(x).data().clone();
            double[] gx = d.backward(g, true).data();
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < m; i++) {
                    double s = d.bias().value()[i];
                    for (int k = 0; k < n; k++) {
                        double xk = x.data()[b * n + k];
                        if (fusedForward) {
                            s = Math.fma(xk, d.weight().get(i * n + k), s);
                        } else if (xk != 0.0) {
                            s += xk * d.weight().get(i * n + k);
                        }
                    }
                    assertBits(s, z[b * m + i], "z[" + b + "," + i + "]");
                }
                for (int k = 0; k < n; k++) {
                    double s = 0.0;
                    for (int i = 0; i < m; i++) {
                        double t = d.weight().get(i * n + k) * g.data()[b * m + i];
                        s = fused ? Math.fma(g.data()[b * m + i], d.weight().get(i * n + k), s) : s + t;
                    }
                    assertBits(s, gx[b * n + k], "(gW)[" + b + "," + k + "]");
                }
            }
            if (fusedForward) {
                // g·D_W summed over the batch, rows in order, one fused multiply-add each
                for (int i = 0; i < m; i++) {
                    for (int k = 0; k < n; k++) {
                        double s = 0.0;
                        for (int b = 0; b < batch; b++) {
                            s = Math.fma(x.data()[b * n + k], g.data()[b * m + i], s);
                        }
                        assertBits(s, d.weight().gradAt(i * n + k), "gradW[" + i + "," + k + "]");
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
