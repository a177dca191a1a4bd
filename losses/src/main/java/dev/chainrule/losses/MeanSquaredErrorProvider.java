package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link MeanSquaredError} losses; no options. */
@Plugin(MeanSquaredError.TYPE)
public final class MeanSquaredErrorProvider extends LossProvider.Base {
    public MeanSquaredErrorProvider() {
        super("mean squared error (1/N) Σ (p_i - y_i)², against values y or one-hot e_y;"
                + " D_p = (2/N)(p - y)ᵀ", c -> new MeanSquaredError(c.inputSize()));
    }
}
