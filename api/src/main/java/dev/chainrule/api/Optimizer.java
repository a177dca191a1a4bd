package dev.chainrule.api;

import java.util.List;

/** Updates parameters from the gradients a backward pass accumulated (sums over a batch). */
public interface Optimizer {

    /**
     * One step. {@code Parameter.grad()} holds {@code Σ_b ∇_θ ℓ_b} over a batch of {@code batchSize} rows;
     * the step uses their mean.
     */
    void step(List<Parameter> parameters, int batchSize);
}
