package dev.chainrule.testkit;

import dev.chainrule.api.Parameter;
import dev.chainrule.api.Tensor;
import java.util.List;

/**
 * What {@link JacobianChecker#checkNetworkGradient} differentiates: a summed loss {@code L(θ) = Σ_b ℓ(h(x_b; θ), y_b)}
 * of some parameters and its reverse pass, which adds {@code ∂L/∂θ} to each parameter's gradient. The engine's
 * network implements it; an interface here because the engine depends on the testkit, not the other way round.
 */
public interface GradientTarget {
    /** Every parameter θ the gradient is taken with respect to. */
    List<Parameter> parameters();

    /** {@code L(θ)} on the batch, saving the base points for {@link #backward()}. */
    double forward(Tensor x, int[] labels);

    /** Adds {@code ∂L/∂θ} at the last {@link #forward}'s base points to every parameter's gradient. */
    void backward();
}
