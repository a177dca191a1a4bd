package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;

/** Makes {@link MeanAbsoluteError} losses; no options. */
public final class MeanAbsoluteErrorProvider extends LossProvider.Base {
    public MeanAbsoluteErrorProvider() {
        super(MeanAbsoluteError.TYPE, "mean absolute error (1/N) Σ |p_i - y_i|, against values y or one-hot e_y;"
                + " D_p = (1/N) sign(p - y)ᵀ, 0 at p_i = y_i", c -> new MeanAbsoluteError(c.inputSize()));
    }
}
