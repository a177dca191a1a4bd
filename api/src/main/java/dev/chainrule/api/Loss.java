package dev.chainrule.api;

/**
 * A scalar loss {@code ℓ(p, y)} of a prediction {@code p ∈ R^N} and a class label {@code y ∈ {0…N-1}}.
 * Its Jacobian with respect to {@code p} is a 1×N row: the start of reverse mode.
 */
public interface Loss {

    /** The provider's type id, such as {@code "cross-entropy"}. */
    String type();

    /** N, the size of the prediction. */
    int inputSize();

    /**
     * Evaluates the loss of each row of {@code prediction} ({@code B × N}) against {@code labels[b]} and
     * returns their sum; saves the base points for {@link #jacobian(int)} and {@link #backward()}.
     */
    double forward(Tensor prediction, int[] labels);

    /** {@code D_p ℓ} (1×N) at batch row {@code row} of the last forward call. */
    Jacobian jacobian(int row);

    /** All rows {@code D_p ℓ(p_b, y_b)} of the last forward call ({@code B × N}), owned by this loss. */
    Tensor backward();

    /**
     * A loss on the input of {@code previous} that equals {@code this ∘ previous} but is computed in a
     * fused, numerically stable form, or {@code null}. Cross-entropy after softmax becomes
     * softmax-cross-entropy on the logits, {@code logsumexp(ẑ) − ẑ_y}, whose gradient is
     * {@code SM(ẑ) − e_y}.
     */
    default Loss fuseWith(Activation previous) {
        return null;
    }
}
