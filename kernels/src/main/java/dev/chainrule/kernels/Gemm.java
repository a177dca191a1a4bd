package dev.chainrule.kernels;

/**
 * Blocked double-precision matrix multiply {@code C (+)= op(A)·op(B)} for the layers that are made of
 * matrix products (convolution through im2col; dense at larger batches).
 *
 * <p>Matrices are given by an array, an offset and a row stride (row-major, as {@code Tensor} stores them);
 * {@code transA}/{@code transB} read A or B transposed, which only changes how the panels are packed, so
 * {@code Aᵀ·B} and {@code A·Bᵀ} (the products backpropagation needs) cost the same as {@code A·B}.
 *
 * <p>Scheme (Goto's): B is packed in panels of {@link #NR} columns and K_C rows, A in slivers of {@link #MR}
 * rows, and a register tile of MR×NR sums runs down the k dimension. The vector kernel keeps the tile in
 * eight 256-bit registers ({@code DoubleVector.SPECIES_256}); the scalar fallback runs the same tile.
 *
 * <p>Same bits for any blocking, thread count and kernel: every entry is one running sum that starts at C
 * (accumulate) or 0 and adds {@code a_ip·b_pj} for p = 0, 1, … k−1 in order, each step a fused multiply-add
 * ({@code Math.fma} in the scalar kernel, {@code DoubleVector.fma} in the vector one — both round once, as
 * IEEE 754 defines it). A k-block boundary only stores the running sum to C and loads it back. Threads split
 * the output into disjoint blocks of rows or columns, never the k dimension, so no sum is ever split.
 */
public final class Gemm {
    /** Rows of the register tile. */
    public static final int MR = 4;
    /** Columns of the register tile (two 4-double vectors). */
    public static final int NR = 8;
    /** Depth of a packed block: MR·KC and NR·KC doubles stay in L1/L2 while a tile runs. */
    static final int KC = 256;
    /** Rows of A packed per block (L2-sized). */
    static final int MC = 96;
    /** Columns of B packed per block (L3-sized). */
    static final int NC = 2048;
    /** Below this many multiply-adds a product runs on the calling thread. */
    public static final long MIN_PARALLEL_WORK = 1L << 17;

    private static final Micro MICRO = chooseMicro();

    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(
            () -> new double[][] {new double[MC * KC], new double[KC * NC], new double[MR * NR]});

    private Gemm() {
    }

    /** The register-tile kernel: {@code vector} or {@code scalar}, for reports. */
    public static String kernelName() {
        return MICRO.name();
    }

    /**
     * {@code C = (accumulate ? C : 0) + op(A)·op(B)}, C {@code m×n}, op(A) {@code m×k}, op(B) {@code k×n},
     * with up to {@link Parallelism#threads()} threads.
     *
     * @param lda row stride of A as stored (A is {@code k×m} when transposed)
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
            double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, boolean accumulate) {
        multiply(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, Parallelism.threads());
    }

    /** As {@link #multiply(boolean, boolean, int, int, int, double[], int, int, double[], int, int, double[], int, int, boolean)} with at most {@code threads} parts. */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
            double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, boolean accumulate, int threads) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
                }
            }
            return;
        }
        // A element (i, p) at a[aOff + i·ars + p·acs]; B element (p, j) at b[bOff + p·brs + j·bcs]
        int ars = transA ? 1 : lda;
        int acs = transA ? lda : 1;
        int brs = transB ? 1 : ldb;
        int bcs = transB ? ldb : 1;
        int rowBlocks = (m + MR - 1) / MR;
        int colBlocks = (n + NR - 1) / NR;
        int parts = (long) m * n * k < MIN_PARALLEL_WORK ? 1
                : Math.min(Math.min(threads, Parallelism.threads()), Math.max(rowBlocks, colBlocks));
        if (parts <= 1) {
            block(0, m, 0, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
            return;
        }
        // split the longer side of the output by whole tiles; each thread packs what it reads
        boolean byRows = rowBlocks >= colBlocks;
        int blocks = byRows ? rowBlocks : colBlocks;
        int tile = byRows ? MR : NR;
        Parallelism.run(parts, t -> {
            int lo = Parallelism.split(blocks, parts, t) * tile;
            int hi = Math.min(byRows ? m : n, Parallelism.split(blocks, parts, t + 1) * tile);
            if (lo >= hi) {
                return;
            }
            if (byRows) {
                block(lo, hi, 0, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
            } else {
                block(0, m, lo, hi, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
            }
        });
    }

    /** Rows [i0, i1) × columns [j0, j1) of C, on the calling thread. */
    private static void block(int i0, int i1, int j0, int j1, int k,
            double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
            double[] c, int cOff, int ldc, boolean accumulate) {
        double[][] s = SCRATCH.get();
        double[] ap = s[0];
        double[] bp = s[1];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = accumulate || pc > 0;
                packB(b, bOff, brs, bcs, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(a, aOff, ars, acs, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bo = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int co = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                MICRO.tile(kc, ap, ir * kc, bp, bo, c, co, ldc, load);
                            } else {
                                edgeTile(kc, ap, ir * kc, bp, bo, c, co, ldc, load, mr, nr, s[2]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** A in slivers of MR rows: sliver s holds (i, p) at {@code s·MR·kc + p·MR + i}, zero-padded rows. */
    private static void packA(double[] a, int aOff, int ars, int acs, int i0, int mc, int p0, int kc, double[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            int src = aOff + (i0 + ir) * ars + p0 * acs;
            if (ars == 1 && mr == MR) {
                // A read transposed: a sliver's MR entries of one p are contiguous
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, src + p * acs, ap, base + p * MR, MR);
                }
                continue;
            }
            for (int i = 0; i < MR; i++) {
                if (i < mr) {
                    int si = src + i * ars;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + i] = a[si + p * acs];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + i] = 0.0;
                    }
                }
            }
        }
    }

    /** B in panels of NR columns: panel q holds (p, j) at {@code q·NR·kc + p·NR + j}, zero-padded columns. */
    private static void packB(double[] b, int bOff, int brs, int bcs, int p0, int kc, int j0, int nc, double[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            int src = bOff + p0 * brs + (j0 + jr) * bcs;
            if (bcs == 1) {
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * NR;
                    System.arraycopy(b, src + p * brs, bp, dst, nr);
                    for (int j = nr; j < NR; j++) {
                        bp[dst + j] = 0.0;
                    }
                }
            } else {
                // B read transposed: walk each column down p, where it is contiguous
                for (int j = 0; j < NR; j++) {
                    int sj = src + j * bcs;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = j < nr ? b[sj + p * brs] : 0.0;
                    }
                }
            }
        }
    }

    /** A partial tile at the bottom or right edge: the full tile into a buffer, then the valid part. */
    private static void edgeTile(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc,
            boolean load, int mr, int nr, double[] t) {
        if (load) {
            for (int i = 0; i < mr; i++) {
                System.arraycopy(c, co + i * ldc, t, i * NR, nr);
            }
        }
        MICRO.tile(kc, ap, ao, bp, bo, t, 0, NR, load);
        for (int i = 0; i < mr; i++) {
            System.arraycopy(t, i * NR, c, co + i * ldc, nr);
        }
    }

    /** The MR×NR register tile: {@code C_tile = (load ? C_tile : 0) + Ap·Bp} over kc steps. */
    abstract static class Micro {
        abstract void tile(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, boolean load);

        abstract String name();
    }

    static final class ScalarMicro extends Micro {
        @Override
        void tile(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
            double[] acc = new double[MR * NR];
            if (load) {
                for (int i = 0; i < MR; i++) {
                    System.arraycopy(c, co + i * ldc, acc, i * NR, NR);
                }
            }
            for (int p = 0; p < kc; p++) {
                int ai = ao + p * MR;
                int bi = bo + p * NR;
                for (int i = 0; i < MR; i++) {
                    double av = ap[ai + i];
                    for (int j = 0; j < NR; j++) {
                        acc[i * NR + j] = Math.fma(av, bp[bi + j], acc[i * NR + j]);
                    }
                }
            }
            for (int i = 0; i < MR; i++) {
                System.arraycopy(acc, i * NR, c, co + i * ldc, NR);
            }
        }

        @Override
        String name() {
            return "scalar";
        }
    }

    static Micro scalarMicro() {
        return new ScalarMicro();
    }

    private static Micro chooseMicro() {
        if ("scalar".equals(System.getProperty("chainrule.kernels"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarMicro();
        }
        try {
            return (Micro) Class.forName("dev.chainrule.kernels.VectorGemm").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | UnsupportedOperationException e) {
            return new ScalarMicro();
        }
    }
}
