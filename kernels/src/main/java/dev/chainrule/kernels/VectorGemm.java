package dev.chainrule.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm}'s register tile on the vector API: 6 rows × 2 vectors of 4 doubles in twelve accumulators,
 * one broadcast of A per row and two loads of B per step. Lane-wise fused multiply-adds in the scalar
 * kernel's order, so the bits equal {@link Gemm.ScalarMicro}'s.
 */
final class VectorGemm extends Gemm.Micro {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    private static final double[] ZERO = new double[8];

    VectorGemm() {
        if (DoubleVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
            throw new UnsupportedOperationException("no 256-bit vectors on this CPU");
        }
    }

    @Override
    void tile(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        // Every accumulator starts from a load, +0 from ZERO when C is not read: one kind of producer for the
        // loop's vector values, so C2 always knows their exact class. A branch between fromArray and zero() left it
        // guessing from the profile, and in some JVM runs the stores and fused multiply-adds fell back to boxed
        // Java code (1.4× slower products, depending on which way the profile went).
        double[] src = load ? c : ZERO;
        int s0 = load ? co : 0;
        int step = load ? ldc : 0;
        DoubleVector c00 = DoubleVector.fromArray(S, src, s0);
        DoubleVector c01 = DoubleVector.fromArray(S, src, s0 + 4);
        DoubleVector c10 = DoubleVector.fromArray(S, src, s0 + step);
        DoubleVector c11 = DoubleVector.fromArray(S, src, s0 + step + 4);
        DoubleVector c20 = DoubleVector.fromArray(S, src, s0 + 2 * step);
        DoubleVector c21 = DoubleVector.fromArray(S, src, s0 + 2 * step + 4);
        DoubleVector c30 = DoubleVector.fromArray(S, src, s0 + 3 * step);
        DoubleVector c31 = DoubleVector.fromArray(S, src, s0 + 3 * step + 4);
        DoubleVector c40 = DoubleVector.fromArray(S, src, s0 + 4 * step);
        DoubleVector c41 = DoubleVector.fromArray(S, src, s0 + 4 * step + 4);
        DoubleVector c50 = DoubleVector.fromArray(S, src, s0 + 5 * step);
        DoubleVector c51 = DoubleVector.fromArray(S, src, s0 + 5 * step + 4);
        int ai = ao;
        int bi = bo;
        for (int p = 0; p < kc; p++, ai += 6, bi += 8) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + 4);
            DoubleVector a0 = DoubleVector.broadcast(S, ap[ai]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + 4);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + 4);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + 4);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + 4);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + 4);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + 4);
    }

    @Override
    String name() {
        return "vector";
    }
}
