package dev.chainrule.layers;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the {@code jdk.incubator.vector} API, always 4 doubles per vector (not the CPU's
 * preferred width) so that {@link #dot}'s partial sums, and hence the bits, do not depend on the machine.
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
    void columnsAxpy(double[] w, int m, int[] cols, double[] c, int count, double[] z, int zOff) {
        int i = 0;
        for (; i <= m - 16; i += 16) {
            int o = zOff + i;
            DoubleVector a0 = DoubleVector.fromArray(S, z, o);
            DoubleVector a1 = DoubleVector.fromArray(S, z, o + 4);
            DoubleVector a2 = DoubleVector.fromArray(S, z, o + 8);
            DoubleVector a3 = DoubleVector.fromArray(S, z, o + 12);
            for (int j = 0; j < count; j++) {
                double x = c[j];
                int b = cols[j] * m + i;
                a0 = a0.add(DoubleVector.fromArray(S, w, b).mul(x));
                a1 = a1.add(DoubleVector.fromArray(S, w, b + 4).mul(x));
                a2 = a2.add(DoubleVector.fromArray(S, w, b + 8).mul(x));
                a3 = a3.add(DoubleVector.fromArray(S, w, b + 12).mul(x));
            }
            a0.intoArray(z, o);
            a1.intoArray(z, o + 4);
            a2.intoArray(z, o + 8);
            a3.intoArray(z, o + 12);
        }
        for (; i <= m - 4; i += 4) {
            DoubleVector a0 = DoubleVector.fromArray(S, z, zOff + i);
            for (int j = 0; j < count; j++) {
                a0 = a0.add(DoubleVector.fromArray(S, w, cols[j] * m + i).mul(c[j]));
            }
            a0.intoArray(z, zOff + i);
        }
        for (; i < m; i++) {
            double s = z[zOff + i];
            for (int j = 0; j < count; j++) {
                s += c[j] * w[cols[j] * m + i];
            }
            z[zOff + i] = s;
        }
    }

    /**
     * Column by column: keeping g in registers (as {@link #columnsAxpy} keeps z) measured no faster here,
     * since every entry of W is loaded and stored once either way.
     */
    @Override
    void columnsDescend(double eta, double[] g, int gOff, int[] cols, double[] c, int count, double[] w, int m) {
        for (int j = 0; j < count; j++) {
            descend(eta, c[j], g, gOff, w, cols[j] * m, m);
        }
    }

    @Override
    String name() {
        return "vector-256";
    }
}
