package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link Softmax} activations: {@code {"type": "softmax"}}; no options. */
@Plugin(Softmax.TYPE)
public final class SoftmaxProvider extends ActivationProvider.Base {
    public SoftmaxProvider() {
        super("s = SM(x) = e^x / Σ e^x (stable, max subtracted); D = diag(s) - s sᵀ",
                c -> new Softmax(c.inputShape().size()));
    }
}
