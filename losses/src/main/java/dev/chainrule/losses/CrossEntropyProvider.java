package dev.chainrule.losses;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link CrossEntropy} losses; no options. */
@Plugin(CrossEntropy.TYPE)
public final class CrossEntropyProvider implements LossProvider {
    @Override
    public String description() {
        return "cross-entropy on probabilities, -ln p_y; D_p = -(1/p_y) e_yᵀ; after softmax it trains as softmax-cross-entropy";
    }

    @Override
    public Loss create(BuildContext context) {
        context.options().requireKnown(options());
        return new CrossEntropy(context.inputSize());
    }
}
