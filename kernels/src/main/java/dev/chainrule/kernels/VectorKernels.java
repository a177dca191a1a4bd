package dev.chainrule.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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
    public void relu(double[] x, double[] y, int from, int to) {
        DoubleVector zero = DoubleVector.zero(S);
        int i = from;
        for (; i <= to - 4; i += 4) {
            DoubleVector v = DoubleVector.fromArray(S, x, i);
            zero.blend(v, v.compare(VectorOperators.GT, 0.0)).intoArray(y, i);
        }
        for (; i < to; i++) {
            double v = x[i];
            y[i] = v > 0.0 ? v : 0.0;
        }
    }

    @Override
    public void reluVjp(double[] g, double[] y, double[] out, int from, int to) {
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int i = from;
        for (; i <= to - 4; i += 4) {
            DoubleVector d = zero.blend(one, DoubleVector.fromArray(S, y, i).compare(VectorOperators.GT, 0.0));
            DoubleVector.fromArray(S, g, i).mul(d).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = g[i] * (y[i] > 0.0 ? 1.0 : 0.0);
        }
    }

    /** Lanes 0–3 in one vector, 4–7 in another: two independent chains of lane-wise TwoSums, the scalar rounding. */
    @Override
    public void compensatedLanes(double[] t, int off, int n, double[] s, double[] e) {
        DoubleVector s0 = DoubleVector.fromArray(S, s, 0);
        DoubleVector s1 = DoubleVector.fromArray(S, s, 4);
        DoubleVector e0 = DoubleVector.fromArray(S, e, 0);
        DoubleVector e1 = DoubleVector.fromArray(S, e, 4);
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            DoubleVector t0 = DoubleVector.fromArray(S, t, off + j);
            DoubleVector t1 = DoubleVector.fromArray(S, t, off + j + 4);
            DoubleVector r0 = s0.add(t0);
            DoubleVector r1 = s1.add(t1);
            DoubleVector z0 = r0.sub(s0);
            DoubleVector z1 = r1.sub(s1);
            e0 = e0.add(s0.sub(r0.sub(z0)).add(t0.sub(z0)));
            e1 = e1.add(s1.sub(r1.sub(z1)).add(t1.sub(z1)));
            s0 = r0;
            s1 = r1;
        }
        s0.intoArray(s, 0);
        s1.intoArray(s, 4);
        e0.intoArray(e, 0);
        e1.intoArray(e, 4);
        for (int l = 0; j < n; j++, l++) {
            double r = s[l] + t[off + j];
            double z = r - s[l];
            e[l] += (s[l] - (r - z)) + (t[off + j] - z);
            s[l] = r;
        }
    }

    @Override
    public void compensatedProductLanes(double[] a, int aOff, double[] b, int bOff, int n, double[] s, double[] e) {
        DoubleVector s0 = DoubleVector.fromArray(S, s, 0);
        DoubleVector s1 = DoubleVector.fromArray(S, s, 4);
        DoubleVector e0 = DoubleVector.fromArray(S, e, 0);
        DoubleVector e1 = DoubleVector.fromArray(S, e, 4);
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            DoubleVector t0 = DoubleVector.fromArray(S, a, aOff + j).mul(DoubleVector.fromArray(S, b, bOff + j));
            DoubleVector t1 = DoubleVector.fromArray(S, a, aOff + j + 4).mul(DoubleVector.fromArray(S, b, bOff + j + 4));
            DoubleVector r0 = s0.add(t0);
            DoubleVector r1 = s1.add(t1);
            DoubleVector z0 = r0.sub(s0);
            DoubleVector z1 = r1.sub(s1);
            e0 = e0.add(s0.sub(r0.sub(z0)).add(t0.sub(z0)));
            e1 = e1.add(s1.sub(r1.sub(z1)).add(t1.sub(z1)));
            s0 = r0;
            s1 = r1;
        }
        s0.intoArray(s, 0);
        s1.intoArray(s, 4);
        e0.intoArray(e, 0);
        e1.intoArray(e, 4);
        for (int l = 0; j < n; j++, l++) {
            double t = a[aOff + j] * b[bOff + j];
            double r = s[l] + t;
            double z = r - s[l];
            e[l] += (s[l] - (r - z)) + (t - z);
            s[l] = r;
        }
    }

    @Override
    public void sigmoid(double[] z, double[] y, double[] d, int from, int to) {
        // the exponentials first, into d: the scalar calls run back to back, the divisions four at a time after
        for (int i = from; i < to; i++) {
            d[i] = Math.exp(-Math.abs(z[i]));
        }
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int i = from;
        for (; i <= to - 4; i += 4) {
            DoubleVector t = DoubleVector.fromArray(S, d, i);
            DoubleVector u = one.add(t);
            t.blend(one, DoubleVector.fromArray(S, z, i).compare(VectorOperators.GE, 0.0)).div(u).intoArray(y, i);
            t.div(u.mul(u)).intoArray(d, i);
        }
        for (; i < to; i++) {
            double t = d[i];
            double u = 1.0 + t;
            y[i] = (z[i] >= 0 ? 1.0 : t) / u;
            d[i] = t / (u * u);
        }
    }

    @Override
    public void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len) {
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
    public void descend(double eta, double c, double[] g, int gOff, double[] w, int wOff, int len) {
        int i = 0;
        for (; i <= len - 4; i += 4) {
            DoubleVector step = DoubleVector.fromArray(S, g, gOff + i).mul(c).mul(eta);
            DoubleVector.fromArray(S, w, wOff + i).sub(step).intoArray(w, wOff + i);
        }
        for (; i < len; i++) {
            w[wOff + i] -= eta * (g[gOff + i] * c);
        }
    }

    /**
     * Eight columns' sums in two vectors, lane l of a vector summing column k+l: four rows of four columns are
     * loaded as they lie (a column's rows are contiguous) and transposed in registers, so each lane still adds
     * {@code W_ik·g_i} for i ascending from 0, one product at a time, as the scalar loop does. 1.7 µs against
     * the scalar loop's 2.0 for 128 columns of 64 (one core, Zen 4); a gather of the strided entries ran 5.8.
     */
    @Override
    public void columnDots(double[] w, int m, int n, double[] g, int gOff, double[] out, int outOff) {
        int k = 0;
        for (; k + 7 < n; k += 8) {
            int b = k * m;
            int c = b + 4 * m;
            DoubleVector s = DoubleVector.zero(S);
            DoubleVector u = s;
            int i = 0;
            for (; i + 3 < m; i += 4) {
                double g0 = g[gOff + i];
                double g1 = g[gOff + i + 1];
                double g2 = g[gOff + i + 2];
                double g3 = g[gOff + i + 3];
                // (a_l)_t = W[i+t, k+l]; after the transpose row t of the block is (r_t)_l = W[i+t, k+l]
                DoubleVector a0 = DoubleVector.fromArray(S, w, b + i);
                DoubleVector a1 = DoubleVector.fromArray(S, w, b + m + i);
                DoubleVector a2 = DoubleVector.fromArray(S, w, b + 2 * m + i);
                DoubleVector a3 = DoubleVector.fromArray(S, w, b + 3 * m + i);
                DoubleVector t0 = a0.blend(a1.rearrange(SWAP_PAIRS), ODD);
                DoubleVector t1 = a0.rearrange(SWAP_PAIRS).blend(a1, ODD);
                DoubleVector t2 = a2.blend(a3.rearrange(SWAP_PAIRS), ODD);
                DoubleVector t3 = a2.rearrange(SWAP_PAIRS).blend(a3, ODD);
                DoubleVector e0 = DoubleVector.fromArray(S, w, c + i);
                DoubleVector e1 = DoubleVector.fromArray(S, w, c + m + i);
                DoubleVector e2 = DoubleVector.fromArray(S, w, c + 2 * m + i);
                DoubleVector e3 = DoubleVector.fromArray(S, w, c + 3 * m + i);
                DoubleVector f0 = e0.blend(e1.rearrange(SWAP_PAIRS), ODD);
                DoubleVector f1 = e0.rearrange(SWAP_PAIRS).blend(e1, ODD);
                DoubleVector f2 = e2.blend(e3.rearrange(SWAP_PAIRS), ODD);
                DoubleVector f3 = e2.rearrange(SWAP_PAIRS).blend(e3, ODD);
                s = s.add(t0.blend(t2.rearrange(SWAP_HALVES), HIGH).mul(g0));
                u = u.add(f0.blend(f2.rearrange(SWAP_HALVES), HIGH).mul(g0));
                s = s.add(t1.blend(t3.rearrange(SWAP_HALVES), HIGH).mul(g1));
                u = u.add(f1.blend(f3.rearrange(SWAP_HALVES), HIGH).mul(g1));
                s = s.add(t0.rearrange(SWAP_HALVES).blend(t2, HIGH).mul(g2));
                u = u.add(f0.rearrange(SWAP_HALVES).blend(f2, HIGH).mul(g2));
                s = s.add(t1.rearrange(SWAP_HALVES).blend(t3, HIGH).mul(g3));
                u = u.add(f1.rearrange(SWAP_HALVES).blend(f3, HIGH).mul(g3));
            }
            s.intoArray(out, outOff + k);
            u.intoArray(out, outOff + k + 4);
            for (; i < m; i++) { // the last m mod 4 rows continue the same running sums
                double gi = g[gOff + i];
                for (int l = 0; l < 8; l++) {
                    out[outOff + k + l] += w[b + l * m + i] * gi;
                }
            }
        }
        if (k < n) {
            scalarColumnDots(w, m, n, g, gOff, out, outOff, k);
        }
    }

    private static final VectorShuffle<Double> SWAP_PAIRS = VectorShuffle.fromValues(S, 1, 0, 3, 2);
    private static final VectorShuffle<Double> SWAP_HALVES = VectorShuffle.fromValues(S, 2, 3, 0, 1);
    private static final VectorMask<Double> ODD = VectorMask.fromValues(S, false, true, false, true);
    private static final VectorMask<Double> HIGH = VectorMask.fromValues(S, false, false, true, true);

    @Override
    public void panelAxpy(double[] w, int m, int i0, int len, int[] cols, double[] c, int from, int to, double[] z, int zOff) {
        DoubleVector z0 = DoubleVector.fromArray(S, z, zOff);
        DoubleVector z1 = DoubleVector.fromArray(S, z, zOff + 4);
        DoubleVector z2 = DoubleVector.fromArray(S, z, zOff + 8);
        DoubleVector z3 = DoubleVector.fromArray(S, z, zOff + 12);
        for (int j = from; j < to; j++) {
            double a = c[j];
            int b = cols[j] * m + i0;
            z0 = z0.add(DoubleVector.fromArray(S, w, b).mul(a));
            z1 = z1.add(DoubleVector.fromArray(S, w, b + 4).mul(a));
            z2 = z2.add(DoubleVector.fromArray(S, w, b + 8).mul(a));
            z3 = z3.add(DoubleVector.fromArray(S, w, b + 12).mul(a));
        }
        z0.intoArray(z, zOff);
        z1.intoArray(z, zOff + 4);
        z2.intoArray(z, zOff + 8);
        z3.intoArray(z, zOff + 12);
    }

    @Override
    public void descendRows(double eta, double[] g, int m, int i0, int[] rows, double[] c, int from, int to, double[] w, int wOff,
            int len) {
        DoubleVector w0 = DoubleVector.fromArray(S, w, wOff);
        DoubleVector w1 = DoubleVector.fromArray(S, w, wOff + 4);
        DoubleVector w2 = DoubleVector.fromArray(S, w, wOff + 8);
        DoubleVector w3 = DoubleVector.fromArray(S, w, wOff + 12);
        for (int j = from; j < to; j++) {
            double a = c[j];
            int o = rows[j] * m + i0;
            w0 = w0.sub(DoubleVector.fromArray(S, g, o).mul(a).mul(eta));
            w1 = w1.sub(DoubleVector.fromArray(S, g, o + 4).mul(a).mul(eta));
            w2 = w2.sub(DoubleVector.fromArray(S, g, o + 8).mul(a).mul(eta));
            w3 = w3.sub(DoubleVector.fromArray(S, g, o + 12).mul(a).mul(eta));
        }
        w0.intoArray(w, wOff);
        w1.intoArray(w, wOff + 4);
        w2.intoArray(w, wOff + 8);
        w3.intoArray(w, wOff + 12);
    }

    @Override
    public void dotsTile(double[] gt, int batch, int row0, double[] w, int m, int k0, int kCount, double[] outT) {
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

    /**
     * Runs every kernel on small arrays until C2 has compiled it on its own (see {@link Kernels#INSTANCE}).
     */
    public void warmUp() {
        int m = 32;
        double[] w = new double[m * 8];
        double[] g = new double[m * 8];
        double[] z = new double[m * 8];
        int[] idx = {0, 1, 2, 3, 4, 5, 6, 7};
        double[] c = {1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3, 7e-3, 8e-3};
        for (int it = 0; it < 3_000; it++) {
            axpy(1e-3, g, 0, z, 0, m);
            descend(1e-3, 1e-3, g, 0, w, 0, m);
            panelAxpy(w, m, 0, PANEL, idx, c, 0, 8, z, 0);
            descendRows(1e-3, g, m, 0, idx, c, 0, 8, w, 0, PANEL);
            dotsTile(g, 8, 0, w, m, 0, 4, z);
            compensatedLanes(g, 0, m, w, z);
            compensatedProductLanes(g, 0, c, 0, 8, w, z);
            sigmoid(g, z, w, 0, m);
            columnDots(w, m, 8, g, 0, z, 0);
        }
    }

    @Override
    public String name() {
        return "vector-256";
    }
}
