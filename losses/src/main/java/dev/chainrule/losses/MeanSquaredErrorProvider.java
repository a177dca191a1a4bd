package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;

/** Makes {@link MeanSquaredError} losses; no options. */
public final class MeanSquaredErrorProvider extends LossProvider.Base {
    public MeanSquaredErrorProvider() {
        super(MeanSquaredError.TYPE, "mean squared error (1/N) Σ (p_i - y_i)², against values y or one-hot e_y;"
                + " D_p = (2/N)(p - y)ᵀ", c -> new MeanSquaredError(c.inputSize()));
    }
}
