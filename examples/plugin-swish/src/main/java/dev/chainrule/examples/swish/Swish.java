package dev.chainrule.examples.swish;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ElementwiseActivation;

/** Swish (SiLU): {@code φ(z) = z·σ(z)}, {@code φ'(z) = σ(z) + z·σ(z)(1 − σ(z))}; the kit does the rest. */
public final class Swish extends ElementwiseActivation {
    public Swish(BuildContext context) {
        super(context);
    }

    /** σ(z) with no positive exponent, so nothing overflows at any z. */
    static double sigmoid(double z) {
        double t = Math.exp(-Math.abs(z));
        return z >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t);
    }

    @Override
    protected double phi(double z) {
        return z * sigmoid(z);
    }

    @Override
    protected double phiPrime(double z) {
        double s = sigmoid(z);
        // σ(z)σ(−z) = σ(1−σ) without the cancellation of 1 − σ where σ ≈ 1
        return s + z * s * sigmoid(-z);
    }
}
