package dev.chainrule.optimizers;

import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** {@code rmsprop}: see {@link RmsProp}; torch.optim.RMSprop's defaults. */
@Plugin("rmsprop")
public final class RmsPropProvider extends OptimizerProvider.Base {
    static final OptionSpec LR = CommonOptions.learningRate(1e-2);
    static final OptionSpec ALPHA = CommonOptions.beta("alpha", 0.99, "a, decay of the squared gradient's running mean");
    static final OptionSpec EPS = CommonOptions.epsilon(1e-8);
    static final OptionSpec WD = CommonOptions.weightDecay(0.0, "L2 penalty added to the gradient (λ·θ)");
    static final OptionSpec MOMENTUM = OptionSpec.number("momentum", "μ, momentum of the scaled step (0: none)")
            .withDefault(0.0).range(0, false, 1, true);
    static final OptionSpec CENTERED = OptionSpec.bool("centered",
            "divide by the running variance estimate instead of the raw second moment").withDefault(false);

    public RmsPropProvider() {
        super("RMSprop with momentum and centering (torch.optim.RMSprop)", c -> new RmsProp(
                LR.numberValue(c.options()), ALPHA.numberValue(c.options()), EPS.numberValue(c.options()),
                WD.numberValue(c.options()), MOMENTUM.numberValue(c.options()), CENTERED.boolValue(c.options()),
                CommonOptions.CLIP_NORM.numberValue(c.options())),
                LR, ALPHA, EPS, WD, MOMENTUM, CENTERED, CommonOptions.CLIP_NORM);
    }

    /** One: the running mean of squares. */
    @Override
    public int stateSlots() {
        return 1;
    }
}
