package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;

/** Makes {@link Relu} activations: {@code {"type": "relu"}}; no options. */
public final class ReluProvider extends ActivationProvider.Base {
    public ReluProvider() {
        super(Relu.TYPE, "max(0, z), elementwise; D = diag(1[z>0]) (0 at z = 0)",
                c -> new Relu(c.inputShape()));
    }
}
