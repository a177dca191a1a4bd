package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;

/** Makes {@link Tanh} activations: {@code {"type": "tanh"}}; no options. */
public final class TanhProvider extends ActivationProvider.Base {
    public TanhProvider() {
        super(Tanh.TYPE, "hyperbolic tangent, elementwise; D = diag(1 - tanh²(z))",
                c -> new Tanh(c.inputShape()));
    }
}
