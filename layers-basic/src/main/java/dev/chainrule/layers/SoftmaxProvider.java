package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;

/** Makes {@link Softmax} activations: {@code {"type": "softmax"}}; no options. */
public final class SoftmaxProvider extends ActivationProvider.Base {
    public SoftmaxProvider() {
        super(Softmax.TYPE, "s = SM(x) = e^x / Σ e^x (stable, max subtracted); D = diag(s) - s sᵀ",
                c -> new Softmax(c.inputShape().size()));
    }
}
