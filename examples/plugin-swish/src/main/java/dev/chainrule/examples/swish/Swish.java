package dev.chainrule.examples.swish;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.support.ElementwiseActivation;

/** Swish (SiLU): {@code φ(z) = z·σ(z)} beside {@code φ'(z) = σ(z) + z·σ(z)σ(−z)}; the kit does the rest. */
public final class Swish extends ElementwiseActivation {
    public Swish(BuildContext context) {
        super(context);
    }

    /** With {@code t = e^{−|z|}} no exponent is positive (nothing overflows) and σ(z), σ(−z) share one exp. */
    @Override
    protected void apply(double z, double[] y, double[] d, int i) {
        double t = Math.exp(-Math.abs(z));
        double s = z >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t);
        y[i] = z * s;
        // σ(z)σ(−z) = t/(1+t)², without the cancellation of 1 − σ where σ ≈ 1
        d[i] = s + z * t / ((1.0 + t) * (1.0 + t));
    }
}
