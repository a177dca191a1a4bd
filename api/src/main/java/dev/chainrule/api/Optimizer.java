package dev.chainrule.api;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Updates parameters from the gradients a backward pass accumulated (sums over a batch). An optimizer sees
 * parameters and their gradients only, never the layers.
 */
public interface Optimizer {

    /**
     * One step. {@code Parameter.grad()} holds {@code Σ_b ∇_θ ℓ_b} over a batch of {@code batchSize} rows;
     * the step uses their mean.
     */
    void step(List<Parameter> parameters, int batchSize);

    /** The current learning rate (a schedule scales it between epochs). */
    double learningRate();

    /** Sets the learning rate, for schedules. */
    void setLearningRate(double learningRate);

    /**
     * When this optimizer's next step is exactly {@code θ ← θ − c·Σ_b ∇_θ ℓ_b}, with no state, no weight
     * decay and no clipping: c, so that layers with an {@link InPlaceUpdate} may apply it during the
     * backward pass. Otherwise empty (the default).
     */
    default OptionalDouble linearStep(int batchSize) {
        return OptionalDouble.empty();
    }

    /**
     * The optimizer's state for {@code parameters} (in their order), for checkpoints: restoring a checkpoint
     * copies saved values into these buffers, so they must be the live arrays, created on first request.
     * Empty for a stateless optimizer.
     */
    default List<Buffer> state(List<Parameter> parameters) {
        return List.of();
    }
}
