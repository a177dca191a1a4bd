package dev.chainrule.layers;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Plugin;

/** Makes {@link Relu} activations: {@code {"type": "relu"}}; no options. */
@Plugin(Relu.TYPE)
public final class ReluProvider implements ActivationProvider {
    @Override
    public String description() {
        return "max(0, z), elementwise; D = diag(1[z>0]) (0 at z = 0)";
    }

    @Override
    public Activation create(BuildContext context) {
        context.options().requireKnown(options());
        return new Relu(context.inputShape());
    }
}
