package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link CrossEntropy} losses; no options. */
@Plugin(CrossEntropy.TYPE)
public final class CrossEntropyProvider extends LossProvider.Base {
    public CrossEntropyProvider() {
        super("cross-entropy on probabilities, -ln p_y; D_p = -(1/p_y) e_yᵀ; after softmax it trains as softmax-cross-entropy",
                c -> new CrossEntropy(c.inputSize()));
    }
}
