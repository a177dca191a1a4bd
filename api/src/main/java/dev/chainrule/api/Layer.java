package dev.chainrule.api;

import java.util.List;

/**
 * A stage with trainable parameters θ, such as {@code ẑ = Wx + b}.
 *
 * <p>Besides {@code D_x f} ({@link #jacobian(int)}, m×n) it has one Jacobian per parameter tensor,
 * {@code D_θ f} of shape {@code m × |θ|} with θ flattened row-major ({@link #parameterJacobian}). Its
 * {@link #backward} adds {@code Σ_b g_b · D_θ f(x_b)} to each {@link Parameter#grad()} and nothing else: a
 * layer produces gradients and never steps; what to do with them is the optimizer's business. A layer
 * that can apply a plain linear step more cheaply than "gradient, then step" may also implement
 * {@link InPlaceUpdate}.
 */
public interface Layer extends Stage {

    /** The parameters, in a fixed order (for dense: W, then b). */
    List<Parameter> parameters();

    /** {@code D_θ f} for parameter {@code index} of {@link #parameters()}, at batch row {@code row}. */
    Jacobian parameterJacobian(int index, int row);

    /**
     * {@code D_θ f} of the whole last batch, {@code (B·m) × |θ|}: the per-row Jacobians stacked. For checks;
     * a batch-coupled layer whose rows' outputs depend on θ through batch statistics overrides it.
     */
    default Jacobian batchParameterJacobian(int index, int batch) {
        return BatchJacobians.stacked(r -> parameterJacobian(index, r), batch, outputSize(),
                parameters().get(index).size(), "stack(D_θ f(x_b))");
    }
}
