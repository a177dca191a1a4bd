package dev.chainrule.api;

/**
 * An optional fast path of a {@link Layer}: the backward pass with a <em>linear step</em> applied in place,
 * {@code θ ← θ − c·Σ_b g_b·D_θ f(x_b)}, instead of accumulating the gradient. The layer does not know
 * which optimizer asked: the engine's training step uses it only when the optimizer says its step is exactly
 * that ({@link Optimizer#linearStep}: plain SGD without momentum, weight decay or clipping).
 *
 * <p>Why: at batch size 1 the separate "zero the gradient, accumulate it, step over all of θ" costs three
 * passes over every parameter, while {@code g·D_θ} may touch few entries (for a dense layer the outer
 * product {@code gᵀxᵀ} is zero in every column where the input is zero).
 *
 * <p>Contract (checked by the testkit and {@code verify-plugin}): returns the same {@code g·D_x} as
 * {@link Layer#backward}, computed with θ <em>before</em> the step, and leaves θ as
 * "zero grads, {@code backward}, {@code θ ← θ − c·grad}" would, up to rounding and bitwise for a batch of one
 * row; afterwards {@link Parameter#grad()} holds no meaningful value.
 */
public interface InPlaceUpdate {

    /**
     * @param scale c, the step's factor on the summed gradient (for SGD {@code α/B})
     */
    Tensor backwardAndUpdate(Tensor g, boolean propagate, double scale);
}
