package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.Plugin;

/** Makes {@link Sigmoid} activations: {@code {"type": "sigmoid"}}; no options. */
@Plugin(Sigmoid.TYPE)
public final class SigmoidProvider extends ActivationProvider.Base {
    public SigmoidProvider() {
        super("logistic σ(z) = 1/(1+e^{-z}), elementwise; D = diag(σ(z)(1-σ(z)))",
                c -> new Sigmoid(c.inputShape()));
    }
}
