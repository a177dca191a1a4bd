package dev.chainrule.examples.swish;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.OptionSpec;
import java.util.List;

/** {@code {"type": "leaky-relu", "alpha": 0.01}}. */
public final class LeakyReluProvider implements ActivationProvider {
    @Override
    public String type() {
        return LeakyRelu.TYPE;
    }

    @Override
    public String description() {
        return "leaky ReLU: z for z > 0, alpha·z otherwise; D = diag(1 or alpha)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(new OptionSpec("alpha", "number from 0 to 1", "0.01", "the slope for z <= 0"));
    }

    @Override
    public Activation create(BuildContext context) {
        context.options().requireKnown(options());
        return new LeakyRelu(context.inputSize(), context.options().number("alpha", 0.01, 0.0, 1.0));
    }
}
