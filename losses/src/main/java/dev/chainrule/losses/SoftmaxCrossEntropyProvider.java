package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;

/** Makes {@link SoftmaxCrossEntropy} losses; no options. */
public final class SoftmaxCrossEntropyProvider extends LossProvider.Base {
    public SoftmaxCrossEntropyProvider() {
        super(SoftmaxCrossEntropy.TYPE, "softmax then cross-entropy on logits, logsumexp(ẑ) - ẑ_y (stable); D = (SM(ẑ) - e_y)ᵀ",
                c -> new SoftmaxCrossEntropy(c.inputSize()));
    }
}
