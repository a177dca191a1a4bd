package dev.chainrule.api;

import java.util.List;

/**
 * A stage with trainable parameters θ, such as {@code ẑ = Wx + b}.
 *
 * <p>Besides {@code D_x f} ({@link #jacobian(int)}, m×n) it has one Jacobian per parameter tensor,
 * {@code D_θ f} of shape {@code m × |θ|} with θ flattened row-major ({@link #parameterJacobian}). Its
 * {@link #backward} adds {@code Σ_b g_b · D_θ f(x_b)} to each {@link Parameter#grad()}.
 */
public interface Layer extends Stage {

    /** The parameters, in a fixed order (for dense: W, then b). */
    List<Parameter> parameters();

    /** {@code D_θ f} for parameter {@code index} of {@link #parameters()}, at batch row {@code row}. */
    Jacobian parameterJacobian(int index, int row);

    /**
     * {@link #backward} fused with a plain SGD step, for training without momentum: returns the same
     * {@code g·D_x} (computed with θ <em>before</em> the step) and, instead of adding
     * {@code Σ_b g_b·D_θ f(x_b)} to {@link Parameter#grad()}, applies {@code θ ← θ − stepSize·Σ_b g_b·D_θ f(x_b)}
     * at once. {@link Network#trainStep} uses it with {@code stepSize = α/B}.
     *
     * <p>Why: at batch size 1 the separate "zero the gradient, accumulate it, step over all of θ" costs
     * three passes over every parameter, while {@code g·D_θ} itself may touch few entries (for a dense layer
     * the outer product {@code gᵀxᵀ} is zero in every column where the input is zero). A layer that
     * overrides this applies the update where the VJP is non-zero only.
     *
     * <p>The default is exactly the unfused sequence on this layer's own parameters (zero their grads,
     * {@link #backward}, {@code θ ← θ − stepSize·grad}), so every layer supports it. An override must give the
     * same θ up to rounding (bitwise the same for a batch of one row); afterwards {@code grad()} holds no
     * meaningful value.
     */
    default Tensor backwardAndStep(Tensor g, boolean propagate, double stepSize) {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
        Tensor gx = backward(g, propagate);
        for (Parameter p : parameters()) {
            double[] w = p.value();
            double[] gw = p.grad();
            for (int i = 0; i < w.length; i++) {
                w[i] -= stepSize * gw[i];
            }
        }
        return gx;
    }
}
