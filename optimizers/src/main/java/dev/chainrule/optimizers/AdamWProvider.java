package dev.chainrule.optimizers;

import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** {@code adamw}: see {@link Adam}; torch.optim.AdamW's defaults (weight decay 0.01). */
@Plugin("adamw")
public final class AdamWProvider extends OptimizerProvider.Base {
    static final OptionSpec WD = CommonOptions.weightDecay(0.01, "decoupled decay θ ← θ·(1 − α·λ)");

    public AdamWProvider() {
        super("Adam with decoupled weight decay (torch.optim.AdamW)", c -> new Adam(
                AdamProvider.LR.numberValue(c.options()), AdamProvider.BETA1.numberValue(c.options()),
                AdamProvider.BETA2.numberValue(c.options()), AdamProvider.EPS.numberValue(c.options()),
                WD.numberValue(c.options()), true, CommonOptions.CLIP_NORM.numberValue(c.options())),
                AdamProvider.LR, AdamProvider.BETA1, AdamProvider.BETA2, AdamProvider.EPS, WD, CommonOptions.CLIP_NORM);
    }
}
