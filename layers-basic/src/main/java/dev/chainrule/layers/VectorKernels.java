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
