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
}
