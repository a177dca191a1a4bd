package dev.chainrule.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Tensor;
import dev.chainrule.kernels.Parallelism;
import dev.chainrule.testkit.Exact;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A dense layer's bias and weight gradients summed over a batch of 3,000 rows, against a 40-digit reference
 * ({@link Exact}): within 1e-15 normwise, and the same bits for 1, 2 and 3 threads. Inputs and gradients sit
 * near constants, where a plain running sum's rounding errors pile up.
 */
class DenseLongBatchTest {
    private static final int N = 6;
    private static final int M = 3;
    private static final int BATCH = 3000;

    private static double[] near(SplittableRandom r, int n, double value) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = value + 1e-3 * r.nextDouble();
        }
        return x;
    }

    private static double[][] gradients(int threads, double[] x, double[] g) {
        int before = Parallelism.threads();
        Parallelism.setThreads(threads);
        try {
            Dense d = new Dense(N, M, Initializer.GLOROT_UNIFORM, 1);
            d.forward(new Tensor(BATCH, N, x));
            d.backward(new Tensor(BATCH, M, g), true);
            return new double[][] {d.bias().grad().clone(), d.weight().grad().clone()};
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void biasAndWeightGradientsOverThreeThousandRows() {
        SplittableRandom r = new SplittableRandom(31);
        double[] x = near(r, BATCH * N, 1.0 / 3);
        double[] g = near(r, BATCH * M, 0.1 / 3);
        double[][] got = gradients(2, x, g);
        BigDecimal[] bias = new BigDecimal[M];
        BigDecimal[] weight = new BigDecimal[M * N];
        for (int i = 0; i < M; i++) {
            bias[i] = BigDecimal.ZERO;
            for (int b = 0; b < BATCH; b++) {
                bias[i] = bias[i].add(Exact.of(g[b * M + i]));
            }
            for (int k = 0; k < N; k++) {
                BigDecimal s = BigDecimal.ZERO;
                for (int b = 0; b < BATCH; b++) {
                    s = s.add(Exact.of(g[b * M + i]).multiply(Exact.of(x[b * N + k])));
                }
                weight[k * M + i] = s; // column-major, as W is stored
            }
        }
        double eb = Exact.normwiseError(got[0], bias);
        double ew = Exact.normwiseError(got[1], weight);
        assertTrue(eb <= 1e-15, "bias gradient: normwise error " + eb);
        assertTrue(ew <= 1e-15, "weight gradient: normwise error " + ew);
        for (int threads : new int[] {1, 3}) {
            double[][] other = gradients(threads, x, g);
            assertArrayEquals(got[0], other[0], 0.0, threads + " threads");
            assertArrayEquals(got[1], other[1], 0.0, threads + " threads");
        }
    }
}
