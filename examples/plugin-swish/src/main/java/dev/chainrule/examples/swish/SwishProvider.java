package dev.chainrule.examples.swish;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.Plugin;

/** {@code {"type": "swish"}}; no options. The type id is written here only. */
@Plugin("swish")
public final class SwishProvider extends ActivationProvider.Base {
    public SwishProvider() {
        super("swish z·σ(z), elementwise; D = diag(σ(z) + z σ(z)(1-σ(z)))", Swish::new);
    }
}
