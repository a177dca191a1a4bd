package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link SoftmaxCrossEntropy} losses; no options. */
@Plugin(SoftmaxCrossEntropy.TYPE)
public final class SoftmaxCrossEntropyProvider extends LossProvider.Base {
    public SoftmaxCrossEntropyProvider() {
        super("softmax then cross-entropy on logits, logsumexp(ẑ) - ẑ_y (stable); D = (SM(ẑ) - e_y)ᵀ",
                c -> new SoftmaxCrossEntropy(c.inputSize()));
    }
}
