package dev.chainrule.losses;

/**
 * Softmax then cross-entropy, on the logits ẑ: {@code CE(SM(ẑ), y) = logsumexp(ẑ) − ẑ_y} with
 * {@code logsumexp(ẑ) = c + ln Σ_j e^{ẑ_j − c}}, {@code c = max_j ẑ_j}.
 *
 * <p>Jacobian w.r.t. ẑ: the 1×N row {@code (SM(ẑ) − e_y)ᵀ}.
 *
 * <p>Stability (docs/math.md, the notes' appendix): the argument of ln is at least 1 (no log 0) and no exponent
 * is positive (no overflow), so the loss is exact and finite at any logits: at ẑ = (0, 1000), y = 0 it is
 * 1000, where {@code −ln} of the rounded softmax would be +∞.
 */
public final class SoftmaxCrossEntropy extends ClassLoss {
    /** The type id. */
    public static final String TYPE = "softmax-cross-entropy";

    public SoftmaxCrossEntropy(int n) {
        super(n);
    }

    @Override
    double lossAndGradient(double[] z, int off, int y, double[] grad) {
        double c = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            c = Math.max(c, z[off + i]);
        }
        rowSum.clear();
        for (int i = 0; i < n; i++) {
            rowSum.add(Math.exp(z[off + i] - c));
        }
        double logSumExp = c + Math.log(rowSum.sum());
        for (int i = 0; i < n; i++) {
            grad[off + i] = Math.exp(z[off + i] - logSumExp);
        }
        grad[off + y] -= 1.0;
        return logSumExp - z[off + y];
    }

    @Override
    String jacobianFormula() {
        return "(SM(ẑ) − e_y)ᵀ";
    }

    @Override
    public String type() {
        return TYPE;
    }
}
