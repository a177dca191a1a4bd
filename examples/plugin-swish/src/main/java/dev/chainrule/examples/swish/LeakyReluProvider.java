package dev.chainrule.examples.swish;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** {@code {"type": "leaky-relu", "alpha": 0.01}}. */
@Plugin("leaky-relu")
public final class LeakyReluProvider extends ActivationProvider.Base {
    static final OptionSpec ALPHA = OptionSpec.number("alpha", "the slope for z <= 0").range(0, 1).withDefault(0.01);

    public LeakyReluProvider() {
        super("leaky ReLU: z for z > 0, alpha·z otherwise; D = diag(1 or alpha)", LeakyRelu::new, ALPHA);
    }
}
