package dev.chainrule.optimizers;

import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** {@code adam}: see {@link Adam}; torch.optim.Adam's defaults. */
@Plugin("adam")
public final class AdamProvider extends OptimizerProvider.Base {
    static final OptionSpec LR = CommonOptions.learningRate(1e-3);
    static final OptionSpec BETA1 = CommonOptions.beta("beta1", 0.9, "β1, decay of the gradient's running mean");
    static final OptionSpec BETA2 = CommonOptions.beta("beta2", 0.999, "β2, decay of the squared gradient's running mean");
    static final OptionSpec EPS = CommonOptions.epsilon(1e-8);
    static final OptionSpec WD = CommonOptions.weightDecay(0.0, "L2 penalty added to the gradient (λ·θ)");

    public AdamProvider() {
        super("Adam with L2 weight decay (torch.optim.Adam)", c -> new Adam(LR.numberValue(c.options()),
                BETA1.numberValue(c.options()), BETA2.numberValue(c.options()), EPS.numberValue(c.options()),
                WD.numberValue(c.options()), false, CommonOptions.CLIP_NORM.numberValue(c.options())),
                LR, BETA1, BETA2, EPS, WD, CommonOptions.CLIP_NORM);
    }
}
