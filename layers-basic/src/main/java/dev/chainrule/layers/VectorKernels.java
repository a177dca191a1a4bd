package dev.chainrule.layers;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the {@code jdk.incubator.vector} API, 4 doubles per vector (AVX2 width, also run by
 * AVX-512 CPUs). Every operation is lane-wise with the scalar rounding (no fused multiply-add, no lane
 * reductions), so the bits equal {@link ScalarKernels}' on any machine.
 * Loaded only when the module is present; {@link Kernels#INSTANCE} falls back to {@link ScalarKernels}.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

    VectorKernels() {
        if (DoubleVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
            // emulated 256-bit vectors would be slower than the scalar loops
            throw new UnsupportedOperationException("no 256-bit vectors on this CPU");
        }
    }

    @Override
    void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len) {
        int i = 0;
        for (; i <= len - 4; i += 4) {
            DoubleVector xv = DoubleVector.fromArray(S, x, xOff + i);
            DoubleVector.fromArray(S, y, yOff + i).add(xv.mul(a)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    @Override
    void descend(double eta, double c, double[] g, int gOff, double[] w, int wOff, int len) {
        int i = 0;
        for (; i <= len - 4; i += 4) {
            DoubleVector step = DoubleVector.fromArray(S, g, gOff + i).mul(c).mul(eta);
            DoubleVector.fromArray(S, w, wOff + i).sub(step).intoArray(w, wOff + i);
        }
        for (; i < len; i++) {
            w[wOff + i] -= eta * (g[gOff + i] * c);
        }
    }

    @Override
    void forwardRows4(double[] w, int m, int[] runs, int count, double[] x, int xOff, int n, double[] z, int zOff) {
        // One run at a time with the accumulators reloaded from z: vector accumulators carried across two
        // nested loops are not kept in registers by C2 in JDK 17 (measured 15x slower), and within a run the
        // indices are linear, so the bounds checks leave the loop.
        for (int q = 0; q < count; q += 2) {
            forwardRun(w, m, runs[q], runs[q + 1], x, xOff, n, z, zOff);
        }
    }

    private static void forwardRun(double[] w, int m, int kStart, int kEnd, double[] x, int xOff, int n, double[] z,
            int zOff) {
        int z0 = zOff;
        int z1 = zOff + m;
        int z2 = zOff + 2 * m;
        int z3 = zOff + 3 * m;
        int x0 = xOff;
        int x1 = xOff + n;
        int x2 = xOff + 2 * n;
        int x3 = xOff + 3 * n;
        int i = 0;
        // 4 rows × 8 outputs in 8 registers: per column k two loads of W serve 8 multiply-adds
        for (; i <= m - 8; i += 8) {
            DoubleVector a0 = DoubleVector.fromArray(S, z, z0 + i);
            DoubleVector b0 = DoubleVector.fromArray(S, z, z0 + i + 4);
            DoubleVector a1 = DoubleVector.fromArray(S, z, z1 + i);
            DoubleVector b1 = DoubleVector.fromArray(S, z, z1 + i + 4);
            DoubleVector a2 = DoubleVector.fromArray(S, z, z2 + i);
            DoubleVector b2 = DoubleVector.fromArray(S, z, z2 + i + 4);
            DoubleVector a3 = DoubleVector.fromArray(S, z, z3 + i);
            DoubleVector b3 = DoubleVector.fromArray(S, z, z3 + i + 4);
            for (int k = kStart; k < kEnd; k++) {
                int wk = k * m + i;
                DoubleVector wa = DoubleVector.fromArray(S, w, wk);
                DoubleVector wb = DoubleVector.fromArray(S, w, wk + 4);
                double c0 = x[x0 + k];
                double c1 = x[x1 + k];
                double c2 = x[x2 + k];
                double c3 = x[x3 + k];
                a0 = a0.add(wa.mul(c0));
                b0 = b0.add(wb.mul(c0));
                a1 = a1.add(wa.mul(c1));
                b1 = b1.add(wb.mul(c1));
                a2 = a2.add(wa.mul(c2));
                b2 = b2.add(wb.mul(c2));
                a3 = a3.add(wa.mul(c3));
                b3 = b3.add(wb.mul(c3));
            }
            a0.intoArray(z, z0 + i);
            b0.intoArray(z, z0 + i + 4);
            a1.intoArray(z, z1 + i);
            b1.intoArray(z, z1 + i + 4);
            a2.intoArray(z, z2 + i);
            b2.intoArray(z, z2 + i + 4);
            a3.intoArray(z, z3 + i);
            b3.intoArray(z, z3 + i + 4);
        }
        for (; i <= m - 4; i += 4) {
            DoubleVector a0 = DoubleVector.fromArray(S, z, z0 + i);
            DoubleVector a1 = DoubleVector.fromArray(S, z, z1 + i);
            DoubleVector a2 = DoubleVector.fromArray(S, z, z2 + i);
            DoubleVector a3 = DoubleVector.fromArray(S, z, z3 + i);
            for (int k = kStart; k < kEnd; k++) {
                DoubleVector wa = DoubleVector.fromArray(S, w, k * m + i);
                a0 = a0.add(wa.mul(x[x0 + k]));
                a1 = a1.add(wa.mul(x[x1 + k]));
                a2 = a2.add(wa.mul(x[x2 + k]));
                a3 = a3.add(wa.mul(x[x3 + k]));
            }
            a0.intoArray(z, z0 + i);
            a1.intoArray(z, z1 + i);
            a2.intoArray(z, z2 + i);
            a3.intoArray(z, z3 + i);
        }
        for (; i < m; i++) {
            double s0 = z[z0 + i];
            double s1 = z[z1 + i];
            double s2 = z[z2 + i];
            double s3 = z[z3 + i];
            for (int k = kStart; k < kEnd; k++) {
                double wi = w[k * m + i];
                s0 += x[x0 + k] * wi;
                s1 += x[x1 + k] * wi;
                s2 += x[x2 + k] * wi;
                s3 += x[x3 + k] * wi;
            }
            z[z0 + i] = s0;
            z[z1 + i] = s1;
            z[z2 + i] = s2;
            z[z3 + i] = s3;
        }
    }

    @Override
    void gradientColumns4(double[] xt, int batch, double[] g, double[] gp, int m, int[] cols, int j, int count,
            double[] t, double scale, int[] rows, double[] xp) {
        // missing columns of a short block repeat the last one: computed, never stored
        int k0 = cols[j];
        int k1 = cols[j + Math.min(1, count - 1)];
        int k2 = cols[j + Math.min(2, count - 1)];
        int k3 = cols[j + Math.min(3, count - 1)];
        int x0 = k0 * batch;
        int x1 = k1 * batch;
        int x2 = k2 * batch;
        int x3 = k3 * batch;
        // the rows where one of the four x_bk is non-zero: the others add nothing (MNIST: most of them)
        // and their four x_bk packed side by side, so the inner loop reads them linearly (no bounds checks)
        int nr = 0;
        for (int b = 0; b < batch; b++) {
            double v0 = xt[x0 + b];
            double v1 = xt[x1 + b];
            double v2 = xt[x2 + b];
            double v3 = xt[x3 + b];
            if (v0 != 0.0 || v1 != 0.0 || v2 != 0.0 || v3 != 0.0) {
                xp[4 * nr] = v0;
                xp[4 * nr + 1] = v1;
                xp[4 * nr + 2] = v2;
                xp[4 * nr + 3] = v3;
                rows[nr++] = b * 8;
            }
        }
        int i = 0;
        for (; i <= m - 8; i += 8) {
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector b0 = a0;
            DoubleVector a1 = a0;
            DoubleVector b1 = a0;
            DoubleVector a2 = a0;
            DoubleVector b2 = a0;
            DoubleVector a3 = a0;
            DoubleVector b3 = a0;
            for (int q = 0; q < nr; q++) {
                int gb = rows[q] + i * batch;
                DoubleVector ga = DoubleVector.fromArray(S, gp, gb);
                DoubleVector gc = DoubleVector.fromArray(S, gp, gb + 4);
                double c0 = xp[4 * q];
                double c1 = xp[4 * q + 1];
                double c2 = xp[4 * q + 2];
                double c3 = xp[4 * q + 3];
                a0 = a0.add(ga.mul(c0));
                b0 = b0.add(gc.mul(c0));
                a1 = a1.add(ga.mul(c1));
                b1 = b1.add(gc.mul(c1));
                a2 = a2.add(ga.mul(c2));
                b2 = b2.add(gc.mul(c2));
                a3 = a3.add(ga.mul(c3));
                b3 = b3.add(gc.mul(c3));
            }
            store(t, k0 * m + i, a0, b0, scale);
            if (count > 1) {
                store(t, k1 * m + i, a1, b1, scale);
            }
            if (count > 2) {
                store(t, k2 * m + i, a2, b2, scale);
            }
            if (count > 3) {
                store(t, k3 * m + i, a3, b3, scale);
            }
        }
        for (; i < m; i++) {
            for (int c = 0; c < count; c++) {
                int xk = cols[j + c] * batch;
                double acc = 0.0;
                for (int b = 0; b < batch; b++) {
                    acc += xt[xk + b] * g[b * m + i];
                }
                t[cols[j + c] * m + i] += acc * scale;
            }
        }
    }

    private static void store(double[] t, int off, DoubleVector a, DoubleVector b, double scale) {
        DoubleVector.fromArray(S, t, off).add(a.mul(scale)).intoArray(t, off);
        DoubleVector.fromArray(S, t, off + 4).add(b.mul(scale)).intoArray(t, off + 4);
    }

    @Override
    void dotsTile(double[] gt, int batch, int row0, double[] w, int m, int k0, int kCount, double[] outT) {
        // missing inputs of a short tile repeat the last one: computed, never stored
        int w0 = k0 * m;
        int w1 = (k0 + Math.min(1, kCount - 1)) * m;
        int w2 = (k0 + Math.min(2, kCount - 1)) * m;
        int w3 = (k0 + Math.min(3, kCount - 1)) * m;
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector b0 = a0;
        DoubleVector a1 = a0;
        DoubleVector b1 = a0;
        DoubleVector a2 = a0;
        DoubleVector b2 = a0;
        DoubleVector a3 = a0;
        DoubleVector b3 = a0;
        for (int i = 0, gi = row0; i < m; i++, gi += batch) {
            DoubleVector ga = DoubleVector.fromArray(S, gt, gi);
            DoubleVector gc = DoubleVector.fromArray(S, gt, gi + 4);
            double c0 = w[w0 + i];
            double c1 = w[w1 + i];
            double c2 = w[w2 + i];
            double c3 = w[w3 + i];
            a0 = a0.add(ga.mul(c0));
            b0 = b0.add(gc.mul(c0));
            a1 = a1.add(ga.mul(c1));
            b1 = b1.add(gc.mul(c1));
            a2 = a2.add(ga.mul(c2));
            b2 = b2.add(gc.mul(c2));
            a3 = a3.add(ga.mul(c3));
            b3 = b3.add(gc.mul(c3));
        }
        int o = k0 * batch + row0;
        a0.intoArray(outT, o);
        b0.intoArray(outT, o + 4);
        if (kCount > 1) {
            a1.intoArray(outT, o + batch);
            b1.intoArray(outT, o + batch + 4);
        }
        if (kCount > 2) {
            a2.intoArray(outT, o + 2 * batch);
            b2.intoArray(outT, o + 2 * batch + 4);
        }
        if (kCount > 3) {
            a3.intoArray(outT, o + 3 * batch);
            b3.intoArray(outT, o + 3 * batch + 4);
        }
    }

    @Override
    String name() {
        return "vector-256";
    }
}
