package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;

/** Makes {@link CrossEntropy} losses; no options. */
public final class CrossEntropyProvider extends LossProvider.Base {
    public CrossEntropyProvider() {
        super(CrossEntropy.TYPE, "cross-entropy on probabilities, -ln p_y; D_p = -(1/p_y) e_yᵀ; after softmax it trains as softmax-cross-entropy",
                c -> new CrossEntropy(c.inputSize()));
    }
}
