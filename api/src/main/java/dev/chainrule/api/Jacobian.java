package dev.chainrule.api;

/**
 * The derivative {@code D f(w) ∈ R^{m×n}} of a map {@code f: R^n → R^m} at a base point {@code w}, as a
 * structured linear map.
 *
 * <p>Conventions (docs/math.md): rows are outputs, columns are inputs; row {@code j} is the gradient of output
 * {@code j}. Parameters that are matrices are flattened row-major, so the column of {@code W_ik} in a
 * Jacobian with respect to {@code W ∈ R^{m×n}} is {@code i·n + k}.
 *
 * <p>Training only ever applies vector-Jacobian products {@code g·D} (reverse mode); {@link #toDense()}
 * exists for tests, teaching and inspection. A Kronecker-structured {@code D_W} of the first MNIST layer
 * would have 128 × 100352 dense entries; its VJP costs one outer product.
 */
public interface Jacobian {

    /** m, the number of outputs. */
    int rows();

    /** n, the number of inputs (or flattened parameters). */
    int cols();

    /**
     * Vector-Jacobian product: {@code out[outOff .. outOff+n) = g[gOff .. gOff+m) · D}, a 1×m row times
     * the m×n matrix. Overwrites {@code out}.
     */
    void vjp(double[] g, int gOff, double[] out, int outOff);

    /** {@code g·D} for a single row vector, into a new array. */
    default double[] vjp(double[] g) {
        if (g.length != rows()) {
            throw new IllegalArgumentException("row vector of length " + g.length + " against a " + shape() + " Jacobian");
        }
        double[] out = new double[cols()];
        vjp(g, 0, out, 0);
        return out;
    }

    /** Row-by-row VJP of a batch of row vectors ({@code B × m}) against this one Jacobian: {@code B × n}. */
    default Tensor vjp(Tensor g) {
        if (g.cols() != rows()) {
            throw new IllegalArgumentException("batch " + g + " against a " + shape() + " Jacobian");
        }
        Tensor out = new Tensor(g.rows(), cols());
        for (int b = 0; b < g.rows(); b++) {
            vjp(g.data(), g.offset(b), out.data(), out.offset(b));
        }
        return out;
    }

    /**
     * The dense {@code m × n} matrix. The default applies the VJP to each unit row {@code e_iᵀ}, which is
     * correct for every structure; implementations override it with the direct formula.
     */
    default double[][] toDense() {
        int m = rows();
        int n = cols();
        double[][] dense = new double[m][n];
        double[] e = new double[m];
        for (int i = 0; i < m; i++) {
            e[i] = 1.0;
            vjp(e, 0, dense[i], 0);
            e[i] = 0.0;
        }
        return dense;
    }

    /** A short formula for this structure, such as {@code diag(σ(z)∘(1-σ(z)))}, used by {@code explain}. */
    String structure();

    /** {@code "m×n"}. */
    default String shape() {
        return rows() + "×" + cols();
    }
}
