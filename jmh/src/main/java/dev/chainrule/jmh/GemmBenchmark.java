package dev.chainrule.jmh;

import dev.chainrule.kernels.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The convnet's three products for its second convolution (64@3×3 over 32×13×13 → 64×11×11), over one batch of
 * 128 rows on one thread, called the way {@code Conv2d} calls them: forward {@code Y_b = K·X_bᵀ} with K packed once
 * and X_b gathered through the offset tables, kernel gradient {@code D_K += G_b·X_b} with X_b gathered, input
 * gradient {@code dcol_b = G_bᵀ·K} with K packed once. Each is 2·128·64·121·288 = 571 M floating-point operations,
 * so GFLOP/s = 571 / (ms per batch). Several forks, because a JVM run's JIT decisions are part of the figure
 * (docs/vision.md: the tile once compiled to boxed code in some runs); {@code -jvmArgsAppend -XX:-TieredCompilation}
 * is the setting that used to make every run slow.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GemmBenchmark {
    static final int ROWS = 128;
    static final int CIN = 32;
    static final int H = 13;
    static final int COUT = 64;
    static final int OUT = 11;
    static final int P = OUT * OUT;
    static final int KD = CIN * 9;

    double[] k = new double[COUT * KD];
    double[] x = new double[ROWS * CIN * H * H];
    double[] g = new double[ROWS * COUT * P];
    double[] y = new double[ROWS * COUT * P];
    double[] dk = new double[COUT * KD];
    double[] dcol = new double[P * KD];
    int[] window = new int[KD];
    int[] pixel = new int[P];

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        for (double[] a : new double[][] {k, x, g}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble(-1, 1);
            }
        }
        for (int c = 0, q = 0; c < CIN; c++) {
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++, q++) {
                    window[q] = (c * H + ky) * H + kx;
                }
            }
        }
        for (int oy = 0, p = 0; oy < OUT; oy++) {
            for (int ox = 0; ox < OUT; ox++, p++) {
                pixel[p] = oy * H + ox;
            }
        }
    }

    @Benchmark
    public double[] forward() {
        Gemm.Packed kp = Gemm.packLeft(false, COUT, KD, k, 0, KD);
        for (int b = 0; b < ROWS; b++) {
            Gemm.multiply(kp, new Gemm.Gathered(x, b * CIN * H * H, window, 0, pixel, 0), P, y, b * COUT * P, P, false);
        }
        return y;
    }

    @Benchmark
    public double[] kernelGradient() {
        for (int b = 0; b < ROWS; b++) {
            Gemm.multiply(false, COUT, KD, P, g, b * COUT * P, P, new Gemm.Gathered(x, b * CIN * H * H, pixel, 0, window, 0),
                    dk, 0, KD, true);
        }
        return dk;
    }

    @Benchmark
    public double[] inputGradient() {
        Gemm.Packed kp = Gemm.packRight(false, COUT, KD, k, 0, KD);
        for (int b = 0; b < ROWS; b++) {
            Gemm.multiply(true, P, g, b * COUT * P, P, kp, dcol, 0, KD, false);
        }
        return dcol;
    }
}
