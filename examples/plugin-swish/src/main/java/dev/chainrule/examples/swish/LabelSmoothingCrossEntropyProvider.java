package dev.chainrule.examples.swish;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** {@code {"type": "label-smoothing-cross-entropy", "smoothing": 0.1}}, on logits (no softmax layer before it). */
@Plugin(LabelSmoothingCrossEntropy.TYPE)
public final class LabelSmoothingCrossEntropyProvider extends LossProvider.Base {
    static final OptionSpec SMOOTHING = OptionSpec.number("smoothing",
            "the probability mass s spread evenly over all classes").range(0, 0.5).withDefault(0.1);

    public LabelSmoothingCrossEntropyProvider() {
        super("cross-entropy of softmax(logits) against (1-s)e_y + s/N; D_p = (SM(p) - q)ᵀ",
                c -> new LabelSmoothingCrossEntropy(c.inputSize(), SMOOTHING.numberValue(c.options())), SMOOTHING);
    }
}
