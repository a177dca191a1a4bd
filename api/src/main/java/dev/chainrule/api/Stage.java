package dev.chainrule.api;

/**
 * One differentiable map {@code f: R^n → R^m} of the chain, applied to every row of a batch.
 *
 * <p>{@link #forward} saves the base points the Jacobians need (for a dense layer the input {@code z^i},
 * for sigmoid the output {@code σ(ẑ)}); {@link #jacobian(int)} and {@link #backward} are evaluated at the
 * base points of the most recent forward call. Instances are stateful and not thread-safe; the providers
 * that make them are stateless.
 */
public interface Stage {

    /** The provider's type id, such as {@code "dense"} or {@code "sigmoid"}. */
    String type();

    /** n. */
    int inputSize();

    /** m. */
    int outputSize();

    /**
     * Applies {@code f} to each row of {@code x} ({@code B × n}) and returns {@code B × m}. The returned
     * tensor belongs to this stage and is overwritten by the next call; {@code x} must stay unchanged
     * until {@link #backward} has run, since it may be kept as a base point.
     */
    Tensor forward(Tensor x);

    /** {@code D_x f} (m×n) at the base point of batch row {@code row} of the last forward call. */
    Jacobian jacobian(int row);

    /**
     * Reverse mode through this stage: row {@code b} of the result is {@code g_b · D_x f(x_b)}, the
     * vector-Jacobian product at that row's own base point ({@code B × m} in, {@code B × n} out). A
     * {@link Layer} also adds {@code g_b · D_θ f(x_b)} for every row to each parameter's gradient.
     *
     * @param propagate when false (the first stage of a network) the caller does not need the input
     *     gradient: the stage may skip computing it and return {@code null}
     */
    Tensor backward(Tensor g, boolean propagate);
}
