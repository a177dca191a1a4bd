package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.OptionSpec;

/** Makes {@link Huber} losses: {@code {"type": "huber", "delta": 1.0}}. */
@Plugin(Huber.TYPE)
public final class HuberProvider extends LossProvider.Base {
    /** δ, where the loss turns from quadratic to linear. */
    static final OptionSpec DELTA = OptionSpec.number("delta", "where the loss turns from quadratic to linear")
            .range(0, true, Double.POSITIVE_INFINITY, true).withDefault(1.0);

    public HuberProvider() {
        super("Huber loss (1/N) Σ h_δ(p_i - y_i), h_δ(d) = d²/2 if |d| < δ else δ(|d| - δ/2),"
                + " against values y or one-hot e_y; D_p = (1/N) clamp(p - y, -δ, δ)ᵀ",
                c -> new Huber(c.inputSize(), DELTA.numberValue(c.options())), DELTA);
    }
}
