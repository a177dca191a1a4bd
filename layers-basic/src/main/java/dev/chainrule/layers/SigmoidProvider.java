package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;

/** Makes {@link Sigmoid} activations: {@code {"type": "sigmoid"}}; no options. */
public final class SigmoidProvider extends ActivationProvider.Base {
    public SigmoidProvider() {
        super(Sigmoid.TYPE, "logistic σ(z) = 1/(1+e^{-z}), elementwise; D = diag(σ(z)(1-σ(z)))",
                c -> new Sigmoid(c.inputShape()));
    }
}
