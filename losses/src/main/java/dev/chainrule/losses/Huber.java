package dev.chainrule.losses;

/**
 * Huber loss with threshold δ &gt; 0 (PyTorch's HuberLoss per element, averaged over the row like
 * {@link MeanSquaredError}): {@code ℓ(p, y) = (1/N) Σ_i h_δ(p_i − y_i)} with
 * <pre>
 *   h_δ(d) = d²/2            if |d| &lt; δ
 *          = δ(|d| − δ/2)    otherwise
 * </pre>
 * against value targets {@code y ∈ R^N} or the one-hot {@code e_y} of a class label y. Quadratic near the
 * target, linear (slope ±δ) beyond δ, so an outlier pulls with at most δ/N; the two pieces meet with equal
 * value and slope at |d| = δ.
 *
 * <p>Jacobian w.r.t. p: the 1×N row {@code (1/N) clamp(p − y, −δ, δ)ᵀ}.
 */
public final class Huber extends ValueLoss {
    /** The type id. */
    public static final String TYPE = "huber";
    private final double delta;

    public Huber(int n, double delta) {
        super(n);
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException(TYPE + ": delta must be positive and finite, got " + delta);
        }
        this.delta = delta;
    }

    public double delta() {
        return delta;
    }

    /** φ(d) = h_δ(d). */
    @Override
    double phi(double d) {
        double a = Math.abs(d);
        return a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
    }

    /** φ′(d)/N = clamp(d, −δ, δ)/N. */
    @Override
    double gradient(double d) {
        return Math.max(-delta, Math.min(delta, d)) / n;
    }

    @Override
    String jacobianFormula(String y) {
        return "(1/N) clamp(p − " + y + ", −δ, δ)ᵀ";
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String toString() {
        return TYPE + " " + n + " δ=" + delta;
    }
}
