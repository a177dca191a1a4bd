package dev.chainrule.losses;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link MeanSquaredError} losses; no options. */
@Plugin(MeanSquaredError.TYPE)
public final class MeanSquaredErrorProvider implements LossProvider {
    @Override
    public String description() {
        return "mean squared error against one-hot e_y, (1/N) Σ (p_i - t_i)²; D_p = (2/N)(p - t)ᵀ";
    }

    @Override
    public Loss create(BuildContext context) {
        context.options().requireKnown(options());
        return new MeanSquaredError(context.inputSize());
    }
}
