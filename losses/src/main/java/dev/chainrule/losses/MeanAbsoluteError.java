package dev.chainrule.losses;

/**
 * Mean absolute error: {@code MAE(p, y) = (1/N) Σ_i |p_i − y_i|}, against value targets {@code y ∈ R^N} or
 * the one-hot {@code e_y} of a class label y.
 *
 * <p>Jacobian w.r.t. p: the 1×N row {@code (1/N) sign(p − y)ᵀ}. At the kink {@code p_i = y_i} the
 * derivative does not exist; the entry is the subgradient 0 (the middle of [−1/N, 1/N], as PyTorch's
 * L1Loss).
 */
public final class MeanAbsoluteError extends ValueLoss {
    /** The type id. */
    public static final String TYPE = "mae";
    private final double oneOverN;

    public MeanAbsoluteError(int n) {
        super(n);
        this.oneOverN = 1.0 / n;
    }

    /** φ(d) = |d|. */
    @Override
    double phi(double d) {
        return Math.abs(d);
    }

    /** φ′(d)/N = sign(d)/N, and 0 at d = 0. */
    @Override
    double gradient(double d) {
        return d > 0 ? oneOverN : d < 0 ? -oneOverN : 0.0;
    }

    @Override
    String jacobianFormula(String y) {
        return "(1/N) sign(p − " + y + ")ᵀ";
    }

    @Override
    public String type() {
        return TYPE;
    }
}
