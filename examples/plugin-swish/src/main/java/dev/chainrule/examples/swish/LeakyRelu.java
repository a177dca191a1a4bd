package dev.chainrule.examples.swish;

/**
 * Leaky ReLU, elementwise: {@code f(z) = z} for {@code z > 0}, {@code α z} otherwise.
 *
 * <p>Jacobian: {@code diag(1 if z_i > 0 else α)}, n×n (at 0 the left slope α, a subgradient).
 */
public final class LeakyRelu extends ElementwiseActivation {
    public static final String TYPE = "leaky-relu";
    private final double alpha;

    public LeakyRelu(int n, double alpha) {
        super(n);
        this.alpha = alpha;
    }

    @Override
    double value(double z) {
        return z > 0 ? z : alpha * z;
    }

    @Override
    double derivative(double z) {
        return z > 0 ? 1.0 : alpha;
    }

    @Override
    String derivativeFormula() {
        return "1 if z > 0 else " + alpha;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
