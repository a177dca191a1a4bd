import jdk.incubator.vector.*;
import java.lang.management.ManagementFactory;

/**
 * The float64 fused-multiply-add peak of one core: twelve independent vector FMA chains in registers (enough to
 * cover a 4-cycle latency on two pipes), no memory traffic, 256-bit and 512-bit lanes. GFLOP/s per CPU second
 * of the thread (steady on a shared machine) and per wall second.
 *
 *     java --add-modules jdk.incubator.vector bench/FmaPeak.java
 */
public class FmaPeak {
    static double run256(long iters) {
        VectorSpecies<Double> S = DoubleVector.SPECIES_256;
        DoubleVector a = DoubleVector.broadcast(S, 1.0000001), b = DoubleVector.broadcast(S, 0.9999999);
        DoubleVector c0 = DoubleVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = a.fma(b, c0); c1 = a.fma(b, c1); c2 = a.fma(b, c2); c3 = a.fma(b, c3); c4 = a.fma(b, c4); c5 = a.fma(b, c5);
            c6 = a.fma(b, c6); c7 = a.fma(b, c7); c8 = a.fma(b, c8); c9 = a.fma(b, c9); c10 = a.fma(b, c10); c11 = a.fma(b, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(VectorOperators.ADD);
    }
    static double run512(long iters) {
        VectorSpecies<Double> S = DoubleVector.SPECIES_512;
        DoubleVector a = DoubleVector.broadcast(S, 1.0000001), b = DoubleVector.broadcast(S, 0.9999999);
        DoubleVector c0 = DoubleVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = a.fma(b, c0); c1 = a.fma(b, c1); c2 = a.fma(b, c2); c3 = a.fma(b, c3); c4 = a.fma(b, c4); c5 = a.fma(b, c5);
            c6 = a.fma(b, c6); c7 = a.fma(b, c7); c8 = a.fma(b, c8); c9 = a.fma(b, c9); c10 = a.fma(b, c10); c11 = a.fma(b, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(VectorOperators.ADD);
    }
    public static void main(String[] x) {
        var mx = ManagementFactory.getThreadMXBean();
        long iters = 200_000_000L;
        double sink = 0;
        // the first rounds run interpreted or under C1: read the last
        for (int rep = 0; rep < 4; rep++) {
            for (int bits : new int[] {256, 512}) {
                long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                sink += bits == 256 ? run256(iters) : run512(iters);
                double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9, wall = (System.nanoTime() - t0) / 1e9;
                double flops = iters * 12.0 * (bits / 64) * 2;
                System.out.printf("%d-bit: %.1f GFLOP/s per CPU second (%.1f per wall second)%n", bits, flops / cpu / 1e9, flops / wall / 1e9);
            }
        }
        System.out.println(sink == 0 ? "" : "(checksum " + sink + ")");
    }
}
