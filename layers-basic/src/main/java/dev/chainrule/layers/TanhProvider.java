package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link Tanh} activations: {@code {"type": "tanh"}}; no options. */
@Plugin(Tanh.TYPE)
public final class TanhProvider extends ActivationProvider.Base {
    public TanhProvider() {
        super("hyperbolic tangent, elementwise; D = diag(1 - tanh²(z))",
                c -> new Tanh(c.inputShape()));
    }
}
