package dev.chainrule.examples.swish;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;
import java.util.List;

/** {@code {"type": "label-smoothing-cross-entropy", "smoothing": 0.1}}, on logits (no softmax layer before it). */
@Plugin(LabelSmoothingCrossEntropy.TYPE)
public final class LabelSmoothingCrossEntropyProvider implements LossProvider {
    @Override
    public String description() {
        return "cross-entropy of softmax(logits) against (1-s)e_y + s/N; D_p = (SM(p) - q)ᵀ";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(new OptionSpec("smoothing", "number from 0 to 0.5", "0.1",
                "the probability mass s spread evenly over all classes"));
    }

    @Override
    public Loss create(BuildContext context) {
        context.options().requireKnown(options());
        return new LabelSmoothingCrossEntropy(context.inputSize(), context.options().number("smoothing", 0.1, 0.0, 0.5));
    }
}
