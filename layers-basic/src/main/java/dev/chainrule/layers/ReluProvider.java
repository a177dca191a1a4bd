package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link Relu} activations: {@code {"type": "relu"}}; no options. */
@Plugin(Relu.TYPE)
public final class ReluProvider extends ActivationProvider.Base {
    public ReluProvider() {
        super("max(0, z), elementwise; D = diag(1[z>0]) (0 at z = 0)",
                c -> new Relu(c.inputShape()));
    }
}
