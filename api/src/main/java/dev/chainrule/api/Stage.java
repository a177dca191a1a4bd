package dev.chainrule.api;

import java.util.List;

/**
 * One differentiable map {@code f: R^n → R^m} of the chain, applied to a batch of rows.
 *
 * <p>Three kinds implement it: {@link Layer} (has trained parameters), {@link Activation} (parameter-free,
 * R^n → R^n, such as sigmoid) and {@link Transform} (parameter-free, may change size, such as pooling or
 * flatten). A stage knows its {@link #inputShape()} (from its provider's {@link BuildContext}) and reports
 * its {@link #outputShape()}; rows are contiguous, channel-major ({@link Shape}).
 *
 * <p>{@link #forward} saves the base points the Jacobians need (for a dense layer the input {@code z^i},
 * for sigmoid the output {@code σ(ẑ)}); {@link #jacobian(int)} and {@link #backward} are evaluated at the
 * base points of the most recent forward call. Instances are stateful and not thread-safe; the providers
 * that make them are stateless.
 *
 * <p>Rows are independent unless {@link #batchCoupled()} says otherwise: then row b of the output may
 * depend on every row of the input (batch normalization in training), {@link #jacobian(int)} is only the
 * diagonal block {@code ∂y_b/∂x_b}, and the checks use {@link #batchJacobian()}.
 */
public interface Stage {

    /** The provider's type id, such as {@code "dense"} or {@code "sigmoid"}. */
    String type();

    /** n, the size of an input row. */
    int inputSize();

    /** m, the size of an output row. */
    int outputSize();

    /** The shape of an input row; its size is {@link #inputSize()}. Defaults to a vector. */
    default Shape inputShape() {
        return Shape.of(inputSize());
    }

    /** The shape of an output row; its size is {@link #outputSize()}. Defaults to a vector. */
    default Shape outputShape() {
        return Shape.of(outputSize());
    }

    /**
     * Applies {@code f} to the rows of {@code x} ({@code B × n}) and returns {@code B × m}. The returned
     * tensor belongs to this stage and is overwritten by the next call; {@code x} must stay unchanged
     * until {@link #backward} has run, since it may be kept as a base point.
     *
     * @param context training or inference, the step, and the stage's random source
     */
    Tensor forward(Tensor x, ForwardContext context);

    /** {@link #forward(Tensor, ForwardContext)} in inference mode. */
    default Tensor forward(Tensor x) {
        return forward(x, ForwardContext.inference());
    }

    /** {@code D_x f} (m×n) at the base point of batch row {@code row} of the last forward call. */
    Jacobian jacobian(int row);

    /**
     * Reverse mode through this stage: row {@code b} of the result is {@code Σ_c g_c · ∂y_c/∂x_b}, which
     * for independent rows is {@code g_b · D_x f(x_b)}, the vector-Jacobian product at that row's own base
     * point ({@code B × m} in, {@code B × n} out). A {@link Layer} also adds {@code Σ_b g_b · D_θ f(x_b)} to
     * each parameter's gradient.
     *
     * @param propagate when false (the first stage of a network) the caller does not need the input
     *     gradient: the stage may skip computing it and return {@code null}
     */
    Tensor backward(Tensor g, boolean propagate);

    /** Whether a row's output depends on other rows of the batch (batch normalization in training). */
    default boolean batchCoupled() {
        return false;
    }

    /**
     * The Jacobian of the whole last batch, {@code (B·m) × (B·n)}, rows and columns ordered row by row of the
     * batch. The default is block-diagonal from {@link #jacobian(int)}, right for independent rows; a
     * {@link #batchCoupled()} stage overrides it. For checks and {@code explain}; dense, so small batches only.
     *
     * @param batch the number of rows of the last forward call
     */
    default Jacobian batchJacobian(int batch) {
        return BatchJacobians.blockDiagonal(this::jacobian, batch, outputSize(), inputSize(),
                "blockdiag(D_x f(x_b))");
    }

    /** Non-trained state saved with the model (running statistics); none by default. */
    default List<Buffer> buffers() {
        return List.of();
    }
}
