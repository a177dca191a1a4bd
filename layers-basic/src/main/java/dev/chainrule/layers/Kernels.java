package dev.chainrule.layers;

/**
 * The three loops the dense layer's VJPs are made of, over contiguous runs of doubles. Two implementations
 * give bitwise the same results: {@link ScalarKernels} (plain Java) and {@link VectorKernels} (the
 * {@code jdk.incubator.vector} API, 4 doubles per lane group), which C2 in JDK 17 compiles to 256-bit
 * SIMD where it leaves the scalar loops at about one double per nanosecond — measured 4–5× faster on the
 * first layer's columns (docs/performance.md).
 *
 * <p>Same bits: every product and sum is rounded as the scalar code rounds it (no fused multiply-add),
 * and {@link #dot} uses a fixed split into 8 partial sums combined in a fixed order in both.
 *
 * <p>{@link #INSTANCE} is the vector one when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * (the {@code runner} launcher does) and the CPU has 256-bit vectors, else the scalar one; the system property
 * {@code chainrule.kernels=scalar} forces the scalar one.
 */
abstract class Kernels {
    static final Kernels INSTANCE = choose();

    /** {@code y ← y + a·x} on {@code len} entries. */
    abstract void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len);

    /** {@code w ← w − η·(g·c)} on {@code len} entries: a plain SGD step along the column {@code c·g}. */
    abstract void descend(double eta, double c, double[] g, int gOff, double[] w, int wOff, int len);

    /**
     * {@code Σ_i a_i b_i} on {@code len} entries, as partial sums {@code s_j} over {@code i ≡ j (mod 8)} for
     * the first {@code 8⌊len/8⌋} entries, combined as {@code ((s0+s4)+(s1+s5)) + ((s2+s6)+(s3+s7))}, then the
     * remaining entries added in order: a fixed order, so the same inputs always give the same bits.
     */
    abstract double dot(double[] a, int aOff, double[] b, int bOff, int len);

    /**
     * {@code z ← z + Σ_j c_j · W[:, k_j]} for the {@code count} columns {@code k_j = cols[j]} of a column-major
     * {@code W} with {@code m} rows: a matrix-vector product over the non-zero inputs only. Each {@code z_i}
     * receives its terms in the order of {@code j}, as {@code count} calls of {@link #axpy} would give.
     */
    abstract void columnsAxpy(double[] w, int m, int[] cols, double[] c, int count, double[] z, int zOff);

    /**
     * {@link #descend} along each listed column: {@code W[:, k_j] ← W[:, k_j] − η·(g·c_j)}, the plain SGD step
     * {@code W ← W − η·gᵀxᵀ} on the columns where {@code x} is non-zero.
     */
    abstract void columnsDescend(double eta, double[] g, int gOff, int[] cols, double[] c, int count, double[] w, int m);

    /** Which implementation this is, for benchmarks and reports. */
    abstract String name();

    private static Kernels choose() {
        if ("scalar".equals(System.getProperty("chainrule.kernels"))) {
            return new ScalarKernels();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarKernels();
        }
        try {
            Kernels k = (Kernels) Class.forName("dev.chainrule.layers.VectorKernels").getDeclaredConstructor().newInstance();
            return k.name() != null ? k : new ScalarKernels();
        } catch (ReflectiveOperationException | LinkageError | UnsupportedOperationException e) {
            return new ScalarKernels();
        }
    }

    /** The kernels in use: {@code "vector-256"} or {@code "scalar"}. */
    static String active() {
        return INSTANCE.name();
    }
}
