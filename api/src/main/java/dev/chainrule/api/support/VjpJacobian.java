package dev.chainrule.api.support;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Tensor;

/**
 * A Jacobian {@code D ∈ R^{m×n}} given only by its vector-Jacobian product {@code g ↦ g·D} at a base point
 * {@code w}: for stages whose {@code D_x} is big and regular (convolution, pooling, attention, residual
 * blocks) and whose backward already computes the VJP, so {@code jacobian(row)} reuses that code.
 * {@link #toDense()} applies the VJP to each unit row {@code e_iᵀ}, giving row i of D.
 *
 * <p>Why the base point is passed in and copied: a stage's input and output tensors are overwritten by its
 * next forward, while a Jacobian may be read later (checks compare it with a forward on other data; explain
 * keeps it). A VJP that reads the stage's fields would then silently use the wrong base point; here it reads
 * only the copy it is handed.
 *
 * <pre>{@code
 * public Jacobian jacobian(int row) {
 *     return VjpJacobian.at(x.rowCopy(row), outputSize(), inputSize(), "∂y/∂x", this::rowVjp);
 * }
 * private void rowVjp(double[] x, double[] g, int go, double[] out, int oo) { ... out[oo + k] += ...; }
 * }</pre>
 */
public final class VjpJacobian implements Jacobian {
    /**
     * {@code out[oo .. oo+n) += g[go .. go+m) · D(w)}; {@code out}'s range is zeroed before each call, so an
     * implementation may scatter-add (as pooling and convolution backward do).
     */
    @FunctionalInterface
    public interface Vjp {
        void apply(double[] w, double[] g, int go, double[] out, int oo);
    }

    private final int m;
    private final int n;
    private final double[] w;
    private final Vjp vjp;
    private final String structure;

    private VjpJacobian(int m, int n, double[] w, Vjp vjp, String structure) {
        this.m = m;
        this.n = n;
        this.w = w;
        this.vjp = vjp;
        this.structure = structure;
    }

    /** {@code D(w)}, {@code m×n}, at the base point {@code w} (copied). */
    public static VjpJacobian at(double[] w, int m, int n, String structure, Vjp vjp) {
        return new VjpJacobian(m, n, w.clone(), vjp, structure);
    }

    /** {@code D(x_b)} at row {@code row} of {@code x} (the row is copied). */
    public static VjpJacobian at(Tensor x, int row, int m, int n, String structure, Vjp vjp) {
        return new VjpJacobian(m, n, x.rowCopy(row), vjp, structure);
    }

    /** A constant D (a linear map such as average pooling): the VJP is handed an empty base point. */
    public static VjpJacobian constant(int m, int n, String structure, Vjp vjp) {
        return new VjpJacobian(m, n, new double[0], vjp, structure);
    }

    @Override
    public int rows() {
        return m;
    }

    @Override
    public int cols() {
        return n;
    }

    @Override
    public void vjp(double[] g, int gOff, double[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + n, 0.0);
        vjp.apply(w, g, gOff, out, outOff);
    }

    @Override
    public String structure() {
        return structure;
    }
}
