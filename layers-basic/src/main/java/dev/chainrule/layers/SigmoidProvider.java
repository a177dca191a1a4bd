package dev.chainrule.layers;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Plugin;

/** Makes {@link Sigmoid} activations: {@code {"type": "sigmoid"}}; no options. */
@Plugin(Sigmoid.TYPE)
public final class SigmoidProvider implements ActivationProvider {
    @Override
    public String description() {
        return "logistic σ(z) = 1/(1+e^{-z}), elementwise; D = diag(σ(z)(1-σ(z)))";
    }

    @Override
    public Activation create(BuildContext context) {
        context.options().requireKnown(options());
        return new Sigmoid(context.inputShape());
    }
}
