package dev.chainrule.layers;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Plugin;

/** Makes {@link Softmax} activations: {@code {"type": "softmax"}}; no options. */
@Plugin(Softmax.TYPE)
public final class SoftmaxProvider implements ActivationProvider {
    @Override
    public String description() {
        return "s = SM(x) = e^x / Σ e^x (stable, max subtracted); D = diag(s) - s sᵀ";
    }

    @Override
    public Activation create(BuildContext context) {
        context.options().requireKnown(options());
        return new Softmax(context.inputShape().size());
    }
}
