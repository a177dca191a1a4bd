package dev.chainrule.losses;

/**
 * Mean squared error against the one-hot target {@code t = e_y}:
 * {@code MSE(p, y) = (1/N) Σ_i (p_i − t_i)²}.
 *
 * <p>Jacobian w.r.t. p: the 1×N row {@code (2/N)(p − t)ᵀ}.
 */
public final class MeanSquaredError extends ClassLoss {
    /** The type id. */
    public static final String TYPE = "mse";

    public MeanSquaredError(int n) {
        super(n);
    }

    @Override
    double lossAndGradient(double[] p, int off, int y, double[] grad) {
        double sum = 0.0;
        double scale = 2.0 / n;
        for (int i = 0; i < n; i++) {
            double d = p[off + i] - (i == y ? 1.0 : 0.0);
            sum += d * d;
            grad[off + i] = scale * d;
        }
        return sum / n;
    }

    @Override
    String jacobianFormula() {
        return "(2/N)(p − e_y)ᵀ";
    }

    @Override
    public String type() {
        return TYPE;
    }
}
