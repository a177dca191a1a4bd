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
 * rows, and a register tile of MR×NR sums runs down the k dimension. The vector kernel keeps the 6×8 tile in
 * twelve 256-bit registers ({@code DoubleVector.SPECIES_256}). A fused multiply-add has a 4-cycle latency on two
 * pipes, so the bare 4×8 tile's eight chains left the pipes idle (a throwaway loop over L1-resident panels: 6×8
 * 1.45× faster at k = 64, 1.15× at k = 256); in the convnet's products the gain is eaten by edge slivers when the
 * rows are not a multiple of 6 (GemmBenchmark: dX 14.7 → 13.6 ms, forward 18.6 → 18.2, D_K 15.7 → 17.5 with its
 * 64 rows in 10 slivers + 4). The scalar fallback runs the same tile.
 *
 * <p>Same bits for any blocking, thread count and kernel: every entry is one running sum that starts at C
 * (accumulate) or 0 and adds {@code a_ip·b_pj} for p = 0, 1, … k−1 in order, each step a fused multiply-add
 * ({@code Math.fma} in the scalar kernel, {@code DoubleVector.fma} in the vector one — both round once, as
 * IEEE 754 defines it). A k-block boundary only stores the running sum to C and loads it back. Threads split
 * the output into disjoint blocks of rows or columns, never the k dimension, so no sum is ever split.
 */
public final class Gemm {
    /** Rows of the register tile. */
    public static final int MR = 6;
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

    /**
     * An operand packed once for many products that share it (a convolution's kernel against every row of
     * the batch): the same panels {@link #multiply} would pack on each call, for every k block at once.
     * Immutable once made, so threads may share it.
     */
    public static final class Packed {
        private final boolean left;
        private final int outer;
        private final int depth;
        private final double[] data;

        private Packed(boolean left, int outer, int depth, double[] data) {
            this.left = left;
            this.outer = outer;
            this.depth = depth;
            this.data = data;
        }

        /** Offset of k block {@code pc} (a multiple of KC): the block's panels for all {@code outer} rows or columns. */
        int blockOffset(int pc) {
            int tile = left ? MR : NR;
            return (outer + tile - 1) / tile * tile * pc;
        }
    }

    /** {@code op(A)} ({@code m×k}) packed as the left operand: MR-row slivers of every k block. */
    public static Packed packLeft(boolean transA, int m, int k, double[] a, int aOff, int lda) {
        Packed p = new Packed(true, m, k, new double[(m + MR - 1) / MR * MR * k]);
        int ars = transA ? 1 : lda;
        int acs = transA ? lda : 1;
        for (int pc = 0; pc < k; pc += KC) {
            packA(a, aOff, ars, acs, 0, m, pc, Math.min(KC, k - pc), p.data, p.blockOffset(pc));
        }
        return p;
    }

    /** {@code op(B)} ({@code k×n}) packed as the right operand: NR-column panels of every k block. */
    public static Packed packRight(boolean transB, int k, int n, double[] b, int bOff, int ldb) {
        Packed p = new Packed(false, n, k, new double[(n + NR - 1) / NR * NR * k]);
        int brs = transB ? 1 : ldb;
        int bcs = transB ? ldb : 1;
        for (int pc = 0; pc < k; pc += KC) {
            packB(b, bOff, brs, bcs, pc, Math.min(KC, k - pc), 0, n, p.data, p.blockOffset(pc));
        }
        return p;
    }

    /** {@code C = (accumulate ? C : 0) + A·op(B)} with A packed by {@link #packLeft}, on the calling thread. */
    public static void multiply(Packed a, boolean transB, int n, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, boolean accumulate) {
        if (!a.left) {
            throw new IllegalArgumentException("a right operand where the left one belongs");
        }
        if (a.outer <= 0 || n <= 0 || a.depth <= 0) {
            multiply(false, transB, a.outer, n, a.depth, null, 0, 0, b, bOff, ldb, c, cOff, ldc, accumulate, 1);
            return;
        }
        block(0, a.outer, 0, n, a.depth, a, null, 0, 0, 0, null, null, b, bOff, transB ? 1 : ldb, transB ? ldb : 1,
                c, cOff, ldc, accumulate);
    }

    /** {@code C = (accumulate ? C : 0) + op(A)·B} with B packed by {@link #packRight}, on the calling thread. */
    public static void multiply(boolean transA, int m, double[] a, int aOff, int lda, Packed b,
            double[] c, int cOff, int ldc, boolean accumulate) {
        if (b.left) {
            throw new IllegalArgumentException("a left operand where the right one belongs");
        }
        if (m <= 0 || b.outer <= 0 || b.depth <= 0) {
            multiply(transA, false, m, b.outer, b.depth, a, aOff, lda, null, 0, 0, c, cOff, ldc, accumulate, 1);
            return;
        }
        block(0, m, 0, b.outer, b.depth, null, a, aOff, transA ? 1 : lda, transA ? lda : 1, b, null, null, 0, 0, 0,
                c, cOff, ldc, accumulate);
    }

    /**
     * A right operand that is never stored: {@code B(p, j) = src[offset + rowOffsets[rowStart + p] + colOffsets[colStart + j]]}.
     * A convolution's receptive fields are this (im2col without writing the matrix): one table walks the
     * kernel window, the other the output pixels. Read straight into the packed panels.
     */
    public record Gathered(double[] src, int offset, int[] rowOffsets, int rowStart, int[] colOffsets, int colStart) {
    }

    /** {@code C = (accumulate ? C : 0) + A·B}, A packed by {@link #packLeft} ({@code m×k}), B gathered ({@code k×n}), on the calling thread. */
    public static void multiply(Packed a, Gathered b, int n, double[] c, int cOff, int ldc, boolean accumulate) {
        if (!a.left) {
            throw new IllegalArgumentException("a right operand where the left one belongs");
        }
        if (a.outer <= 0 || n <= 0 || a.depth <= 0) {
            multiply(false, false, a.outer, n, a.depth, null, 0, 0, null, 0, 0, c, cOff, ldc, accumulate, 1);
            return;
        }
        block(0, a.outer, 0, n, a.depth, a, null, 0, 0, 0, null, b, null, 0, 0, 0, c, cOff, ldc, accumulate);
    }

    /** {@code C = (accumulate ? C : 0) + op(A)·B}, op(A) {@code m×k}, B gathered ({@code k×n}), on the calling thread. */
    public static void multiply(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, Gathered b,
            double[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0 || k <= 0) {
            multiply(transA, false, m, n, k, a, aOff, lda, null, 0, 0, c, cOff, ldc, accumulate, 1);
            return;
        }
        block(0, m, 0, n, k, null, a, aOff, transA ? 1 : lda, transA ? lda : 1, null, b, null, 0, 0, 0,
                c, cOff, ldc, accumulate);
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
            block(0, m, 0, n, k, null, a, aOff, ars, acs, null, null, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
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
                block(lo, hi, 0, n, k, null, a, aOff, ars, acs, null, null, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
            } else {
                block(0, m, lo, hi, k, null, a, aOff, ars, acs, null, null, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
            }
        });
    }

    /**
     * Rows [i0, i1) × columns [j0, j1) of C, on the calling thread. A packed operand ({@code pa}, {@code pb},
     * non-null) is read where it lies; the other is packed here block by block.
     */
    private static void block(int i0, int i1, int j0, int j1, int k, Packed pa,
            double[] a, int aOff, int ars, int acs, Packed pb, Gathered gb, double[] b, int bOff, int brs, int bcs,
            double[] c, int cOff, int ldc, boolean accumulate) {
        double[][] s = SCRATCH.get();
        // a packed B holds all its columns, so it needs no column blocks
        int ncMax = pb != null ? j1 - j0 : NC;
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = accumulate || pc > 0;
                double[] bp;
                int bBase;
                if (pb != null) {
                    bp = pb.data;
                    bBase = pb.blockOffset(pc) + jc * kc;
                } else {
                    bp = s[1];
                    bBase = 0;
                    if (gb != null) {
                        packGathered(gb, pc, kc, jc, nc, bp);
                    } else {
                        packB(b, bOff, brs, bcs, pc, kc, jc, nc, bp, 0);
                    }
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    double[] ap;
                    int aBase;
                    if (pa != null) {
                        ap = pa.data;
                        aBase = pa.blockOffset(pc) + ic * kc;
                    } else {
                        ap = s[0];
                        aBase = 0;
                        packA(a, aOff, ars, acs, ic, mc, pc, kc, ap, 0);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bo = bBase + jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int co = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                MICRO.tile(kc, ap, aBase + ir * kc, bp, bo, c, co, ldc, load);
                            } else {
                                edgeTile(kc, ap, aBase + ir * kc, bp, bo, c, co, ldc, load, mr, nr, s[2]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** A in slivers of MR rows: sliver s holds (i, p) at {@code s·MR·kc + p·MR + i}, zero-padded rows. */
    private static void packA(double[] a, int aOff, int ars, int acs, int i0, int mc, int p0, int kc, double[] ap,
            int apOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = apOff + ir * kc;
            int src = aOff + (i0 + ir) * ars + p0 * acs;
            if (ars == 1 && mr == MR) {
                // A read transposed: a sliver's MR entries of one p are contiguous (six plain loads: an
                // arraycopy call per few doubles cost more than the copy, 10% of the convnet's profile)
                for (int p = 0, s = src, d = base; p < kc; p++, s += acs, d += MR) {
                    ap[d] = a[s];
                    ap[d + 1] = a[s + 1];
                    ap[d + 2] = a[s + 2];
                    ap[d + 3] = a[s + 3];
                    ap[d + 4] = a[s + 4];
                    ap[d + 5] = a[s + 5];
                }
                continue;
            }
            if (acs == 1 && mr == MR) {
                // A read as stored (row-major): six row streams read side by side, so the sliver is written in
                // order (one row at a time wrote it with stride MR; the Winograd kernel-gradient products pack
                // such an A per call)
                int s1 = src + ars;
                int s2 = s1 + ars;
                int s3 = s2 + ars;
                int s4 = s3 + ars;
                int s5 = s4 + ars;
                for (int p = 0, d = base; p < kc; p++, d += MR) {
                    ap[d] = a[src + p];
                    ap[d + 1] = a[s1 + p];
                    ap[d + 2] = a[s2 + p];
                    ap[d + 3] = a[s3 + p];
                    ap[d + 4] = a[s4 + p];
                    ap[d + 5] = a[s5 + p];
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
    private static void packB(double[] b, int bOff, int brs, int bcs, int p0, int kc, int j0, int nc, double[] bp,
            int bpOff) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = bpOff + jr * kc;
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

    /** {@link #packB}'s panels read through a {@link Gathered} operand's tables: contiguous writes, one table lookup per entry. */
    private static void packGathered(Gathered g, int p0, int kc, int j0, int nc, double[] bp) {
        double[] src = g.src();
        int[] rows = g.rowOffsets();
        int[] cols = g.colOffsets();
        int r0 = g.rowStart() + p0;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            int c0 = g.colStart() + j0 + jr;
            if (nr == NR) {
                int o0 = g.offset() + cols[c0];
                int o1 = g.offset() + cols[c0 + 1];
                int o2 = g.offset() + cols[c0 + 2];
                int o3 = g.offset() + cols[c0 + 3];
                int o4 = g.offset() + cols[c0 + 4];
                int o5 = g.offset() + cols[c0 + 5];
                int o6 = g.offset() + cols[c0 + 6];
                int o7 = g.offset() + cols[c0 + 7];
                for (int p = 0, d = base; p < kc; p++, d += NR) {
                    int r = rows[r0 + p];
                    bp[d] = src[r + o0];
                    bp[d + 1] = src[r + o1];
                    bp[d + 2] = src[r + o2];
                    bp[d + 3] = src[r + o3];
                    bp[d + 4] = src[r + o4];
                    bp[d + 5] = src[r + o5];
                    bp[d + 6] = src[r + o6];
                    bp[d + 7] = src[r + o7];
                }
                continue;
            }
            for (int p = 0, d = base; p < kc; p++, d += NR) {
                int r = g.offset() + rows[r0 + p];
                for (int j = 0; j < NR; j++) {
                    bp[d + j] = j < nr ? src[r + cols[c0 + j]] : 0.0;
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
