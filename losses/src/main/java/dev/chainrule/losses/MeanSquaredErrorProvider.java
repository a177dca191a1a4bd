package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;

/** Makes {@link MeanSquaredError} losses; no options. */
public final class MeanSquaredErrorProvider extends LossProvider.Base {
    public MeanSquaredErrorProvider() {
        super(MeanSquaredError.TYPE, "mean squared error against one-hot e_y, (1/N) Σ (p_i - t_i)²; D_p = (2/N)(p - t)ᵀ",
                c -> new MeanSquaredError(c.inputSize()));
    }
}
