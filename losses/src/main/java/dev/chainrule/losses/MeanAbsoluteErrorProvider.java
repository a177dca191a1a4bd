package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link MeanAbsoluteError} losses; no options. */
@Plugin(MeanAbsoluteError.TYPE)
public final class MeanAbsoluteErrorProvider extends LossProvider.Base {
    public MeanAbsoluteErrorProvider() {
        super("mean absolute error (1/N) Σ |p_i - y_i|, against values y or one-hot e_y;"
                + " D_p = (1/N) sign(p - y)ᵀ, 0 at p_i = y_i", c -> new MeanAbsoluteError(c.inputSize()));
    }
}
