package dev.chainrule.examples.swish;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;

/** {@code {"type": "swish"}}; no options. */
public final class SwishProvider implements ActivationProvider {
    @Override
    public String type() {
        return Swish.TYPE;
    }

    @Override
    public String description() {
        return "swish z·σ(z), elementwise; D = diag(σ(z) + z σ(z)(1-σ(z)))";
    }

    @Override
    public Activation create(BuildContext context) {
        context.options().requireKnown(options());
        return new Swish(context.inputSize());
    }
}
