package dev.chainrule.examples.swish;

/**
 * Swish (SiLU), elementwise: {@code swish(z) = z·σ(z)} with {@code σ(z) = 1/(1+e^{−z})}.
 *
 * <p>Jacobian: {@code diag(σ(z) + z·σ(z)(1 − σ(z)))}, n×n (product rule; σ' = σ(1−σ)).
 */
public final class Swish extends ElementwiseActivation {
    public static final String TYPE = "swish";

    public Swish(int n) {
        super(n);
    }

    /** σ(z) with no positive exponent, so nothing overflows at any z. */
    static double sigmoid(double z) {
        double t = Math.exp(-Math.abs(z));
        return z >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t);
    }

    @Override
    double value(double z) {
        return z * sigmoid(z);
    }

    @Override
    double derivative(double z) {
        double s = sigmoid(z);
        // σ(z)σ(−z) = σ(1−σ) without the cancellation of 1 − σ where σ ≈ 1
        return s + z * s * sigmoid(-z);
    }

    @Override
    String derivativeFormula() {
        return "σ(z) + z·σ(z)(1−σ(z))";
    }

    @Override
    public String type() {
        return TYPE;
    }
}
