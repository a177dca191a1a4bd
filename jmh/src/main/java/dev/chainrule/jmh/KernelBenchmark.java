package dev.chainrule.jmh;

import dev.chainrule.kernels.Kernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first layer's two loops at batch size 1 (W 128×784, an MNIST-like input with ~150 non-zero pixels) and
 * the second layer's {@code gW}, scalar against the vector API.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class KernelBenchmark {
    static final int N = 784;
    static final int M = 128;

    @Param({"vector", "scalar"})
    public String kernels;

    Kernels k;
    double[] w = new double[M * N];
    double[] z = new double[M];
    double[] g = new double[M];
    int[] cols = new int[N];
    double[] vals = new double[N];
    int count;
    double[][] packed = new double[M / Kernels.PANEL][N * Kernels.PANEL];

    @Setup
    public void setup() {
        k = kernels.equals("vector") ? Kernels.INSTANCE : Kernels.scalar();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextDouble(-0.07, 0.07);
        }
        for (int i = 0; i < M; i++) {
            g[i] = r.nextDouble(-1e-3, 1e-3);
        }
        for (int p = 0; p < packed.length; p++) {
            for (int c = 0; c < N; c++) {
                System.arraycopy(w, c * M + p * Kernels.PANEL, packed[p], c * Kernels.PANEL, Kernels.PANEL);
            }
        }
        count = 0;
        for (int c = 0; c < N; c++) {
            if (r.nextDouble() < 0.19) {
                cols[count] = c;
                vals[count++] = r.nextDouble();
            }
        }
    }

    /** {@code z += Σ_j x_j W[:,k_j]}, one axpy per non-zero input. */
    @Benchmark
    public double[] forwardPerColumnAxpy() {
        for (int j = 0; j < count; j++) {
            k.axpy(vals[j], w, cols[j] * M, z, 0, M);
        }
        return z;
    }


    /** {@code W[:,k_j] −= η g x_j}, one call per non-zero input (η tiny so W stays put). */
    @Benchmark
    public double[] updatePerColumn() {
        for (int j = 0; j < count; j++) {
            k.descend(1e-300, vals[j], g, 0, w, cols[j] * M, M);
        }
        return w;
    }


    /**
     * One row through the 8 panels of W in place, 16 outputs in registers per panel: a panel's pieces sit
     * {@code M·8} = 1 KB apart, a power-of-two stride that maps them onto a few cache sets.
     */
    @Benchmark
    public double[] panelsInPlace() {
        for (int i0 = 0; i0 < M; i0 += Kernels.PANEL) {
            k.panelAxpy(w, M, i0, Kernels.PANEL, cols, vals, 0, count, z, i0);
        }
        return z;
    }

    /** The same sums over packed copies of the panels (what {@code Dense} does for mini-batches), packing excluded. */
    @Benchmark
    public double[] panelsPacked() {
        for (int p = 0; p < M / Kernels.PANEL; p++) {
            k.panelAxpy(packed[p], Kernels.PANEL, 0, Kernels.PANEL, cols, vals, 0, count, z, p * Kernels.PANEL);
        }
        return z;
    }

    /** {@code g·W} for a 64×128 layer: 128 dot products of length 64, eight columns side by side. */
    @Benchmark
    public double[] columnDots64x128() {
        k.columnDots(w, 64, 128, g, 0, z, 0);
        return z;
    }
}
