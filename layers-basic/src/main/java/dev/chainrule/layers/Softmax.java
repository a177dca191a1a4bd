package dev.chainrule.layers;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.SoftmaxJacobian;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.Sums;

/**
 * {@code s = SM(x)}, {@code s_i = e^{x_i} / Σ_j e^{x_j}}, on each row.
 *
 * <p>Jacobian: {@code diag(s) − s sᵀ}, n×n, entry {@code (i, l) = s_i(δ_il − s_l)} (docs/math.md, slip 2 of
 * the notes corrected); VJP {@code s ∘ (g − (g·s))}, O(n).
 *
 * <p>Stability: computed as {@code e^{x_i − c} / Σ_j e^{x_j − c}} with {@code c = max_j x_j}, so no exponent
 * is positive (no overflow) and the sum is at least 1. Followed by cross-entropy, training uses the fused
 * softmax-cross-entropy on the logits instead (see {@code Loss.fuseWith}).
 */
public final class Softmax extends ShapedStage implements Activation {
    /** The type id. */
    public static final String TYPE = "softmax";

    private final int n;
    private Tensor output;
    private Tensor inputGradient;

    public Softmax(int n) {
        super(TYPE, vector(n), vector(n));
        this.n = n;
    }

    private static Shape vector(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("softmax: size must be positive, got " + n);
        }
        return Shape.of(n);
    }

    /** SM of {@code x[off .. off+n)} into {@code s[sOff .. sOff+n)}. */
    static void softmax(double[] x, int off, int n, double[] s, int sOff) {
        double c = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            c = Math.max(c, x[off + i]);
        }
        for (int i = 0; i < n; i++) {
            s[sOff + i] = Math.exp(x[off + i] - c);
        }
        double inv = 1.0 / Sums.sum(s, sOff, n);
        for (int i = 0; i < n; i++) {
            s[sOff + i] *= inv;
        }
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException("softmax: expects rows of " + n + " inputs, got " + x);
        }
        output = Tensor.reuseFront(output, x.rows(), n);
        for (int r = 0; r < x.rows(); r++) {
            softmax(x.data(), x.offset(r), n, output.data(), output.offset(r));
        }
        return output;
    }

    @Override
    public Jacobian jacobian(int row) {
        checkRow(row);
        return new SoftmaxJacobian(output.rowCopy(row));
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (output == null) {
            throw new IllegalStateException("softmax: backward before forward");
        }
        if (g.rows() != output.rows() || g.cols() != n) {
            throw new IllegalArgumentException("softmax: gradient " + g + " does not match output " + output);
        }
        if (!propagate) {
            return null;
        }
        inputGradient = Tensor.reuseFront(inputGradient, g.rows(), n);
        double[] gs = g.data();
        double[] s = output.data();
        double[] out = inputGradient.data();
        for (int r = 0; r < g.rows(); r++) {
            int off = r * n;
            double gDotS = Sums.dot(gs, off, s, off, n);
            for (int i = 0; i < n; i++) {
                out[off + i] = s[off + i] * (gs[off + i] - gDotS);
            }
        }
        return inputGradient;
    }

    private void checkRow(int row) {
        if (output == null) {
            throw new IllegalStateException("softmax: no forward call yet, so no base point");
        }
        if (row < 0 || row >= output.rows()) {
            throw new IndexOutOfBoundsException("softmax: row " + row + " outside the last batch of " + output.rows());
        }
    }

    @Override
    public String toString() {
        return "softmax " + n;
    }
}
