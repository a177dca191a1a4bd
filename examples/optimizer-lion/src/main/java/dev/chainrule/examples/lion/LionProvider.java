package dev.chainrule.examples.lion;

import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** {@code lion}: see {@link Lion}; the paper's defaults (α 1e-4, β1 0.9, β2 0.99). */
@Plugin("lion")
public final class LionProvider extends OptimizerProvider.Base {
    static final OptionSpec LR = OptionSpec.number("learningRate", "α, the size of every coordinate's step")
            .withDefault(1e-4).range(0, true, Double.MAX_VALUE, false);
    static final OptionSpec BETA1 = OptionSpec.number("beta1", "β1, weight of the momentum in the update's sign")
            .withDefault(0.9).range(0, false, 1, true);
    static final OptionSpec BETA2 = OptionSpec.number("beta2", "β2, decay of the momentum")
            .withDefault(0.99).range(0, false, 1, true);
    static final OptionSpec WD = OptionSpec.number("weightDecay", "λ, decoupled: θ ← θ·(1 − α·λ)")
            .withDefault(0.0).range(0, Double.MAX_VALUE);

    public LionProvider() {
        super("Lion: the sign of interpolated momentum (Chen et al. 2023)", c -> new Lion(
                LR.numberValue(c.options()), BETA1.numberValue(c.options()), BETA2.numberValue(c.options()),
                WD.numberValue(c.options())), LR, BETA1, BETA2, WD);
    }

    /** One array per parameter: the momentum (the runner's heap estimate counts it). */
    @Override
    public int stateSlots() {
        return 1;
    }
}
