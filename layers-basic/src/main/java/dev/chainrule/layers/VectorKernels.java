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
    String name() {
        return "vector-256";
    }
}
