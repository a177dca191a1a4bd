package dev.chainrule.losses;

/**
 * Mean squared error: {@code MSE(p, y) = (1/N) Σ_i (p_i − y_i)²}, against value targets {@code y ∈ R^N} or
 * against the one-hot {@code e_y} of a class label y (the api-2.0 form, bit for bit).
 *
 * <p>Jacobian w.r.t. p: the 1×N row {@code (2/N)(p − y)ᵀ}.
 */
public final class MeanSquaredError extends ValueLoss {
    /** The type id. */
    public static final String TYPE = "mse";
    private final double twoOverN;

    public MeanSquaredError(int n) {
        super(n);
        this.twoOverN = 2.0 / n;
    }

    /** φ(d) = d². */
    @Override
    double phi(double d) {
        return d * d;
    }

    /** φ′(d)/N = (2/N)·d. */
    @Override
    double gradient(double d) {
        return twoOverN * d;
    }

    @Override
    String jacobianFormula(String y) {
        return "(2/N)(p − " + y + ")ᵀ";
    }

    @Override
    public String type() {
        return TYPE;
    }
}
