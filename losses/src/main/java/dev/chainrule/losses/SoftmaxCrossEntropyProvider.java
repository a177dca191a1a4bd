package dev.chainrule.losses;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link SoftmaxCrossEntropy} losses; no options. */
@Plugin(SoftmaxCrossEntropy.TYPE)
public final class SoftmaxCrossEntropyProvider implements LossProvider {
    @Override
    public String description() {
        return "softmax then cross-entropy on logits, logsumexp(ẑ) - ẑ_y (stable); D = (SM(ẑ) - e_y)ᵀ";
    }

    @Override
    public Loss create(BuildContext context) {
        context.options().requireKnown(options());
        return new SoftmaxCrossEntropy(context.inputSize());
    }
}
