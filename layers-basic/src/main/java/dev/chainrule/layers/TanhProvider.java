package dev.chainrule.layers;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Plugin;

/** Makes {@link Tanh} activations: {@code {"type": "tanh"}}; no options. */
@Plugin(Tanh.TYPE)
public final class TanhProvider implements ActivationProvider {
    @Override
    public String description() {
        return "hyperbolic tangent, elementwise; D = diag(1 - tanh²(z))";
    }

    @Override
    public Activation create(BuildContext context) {
        context.options().requireKnown(options());
        return new Tanh(context.inputShape());
    }
}
