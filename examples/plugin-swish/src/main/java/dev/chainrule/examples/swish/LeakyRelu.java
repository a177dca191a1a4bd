package dev.chainrule.examples.swish;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.support.ElementwiseActivation;

/**
 * Leaky ReLU: {@code φ(z) = z} for {@code z > 0}, {@code α z} otherwise; {@code φ'} is 1 or α (at 0 the left
 * slope α, a subgradient: the checks report 0 as a non-differentiable point).
 */
public final class LeakyRelu extends ElementwiseActivation {
    private final double alpha;

    public LeakyRelu(BuildContext context) {
        super(context);
        this.alpha = LeakyReluProvider.ALPHA.numberValue(context.options());
    }

    @Override
    protected double phi(double z) {
        return z > 0 ? z : alpha * z;
    }

    @Override
    protected double phiPrime(double z) {
        return z > 0 ? 1.0 : alpha;
    }
}
