package dev.chainrule.api;

import java.util.Set;

/**
 * A scalar loss {@code ℓ(p, y)} of a prediction {@code p ∈ R^N} and a target: a class label
 * {@code y ∈ {0…N-1}} or, since api 2.1, a row of real values {@code y ∈ R^N} (regression).
 * Its Jacobian with respect to {@code p} is a 1×N row: the start of reverse mode.
 *
 * <p>The rule (docs/plugins.md, "Targets: classes and values"): a loss takes exactly the target kinds in
 * {@link #targets()}. The {@code forward} of a kind it takes evaluates; the {@code forward} of any other kind
 * throws the {@link UnsupportedOperationException} of {@link #wrongTargets}, one message for both directions.
 * An api-2.0 loss takes class labels only, which is the default.
 */
public interface Loss {

    /** What a loss compares a prediction against (api 2.1). */
    enum Targets {
        /** A class label {@code y ∈ {0…N-1}} per row: {@link Loss#forward(Tensor, int[])}. */
        CLASSES,
        /** A row of N real values per row, a {@code B × N} tensor: {@link Loss#forward(Tensor, Tensor)}. */
        VALUES
    }

    /** The provider's type id, such as {@code "cross-entropy"}. */
    String type();

    /** N, the size of the prediction. */
    int inputSize();

    /**
     * Evaluates the loss of each row of {@code prediction} ({@code B × N}) against the class label
     * {@code labels[b]} and returns their sum; saves the base points for {@link #jacobian(int)} and {@link #backward()}.
     *
     * <p>A loss whose {@link #targets()} lack {@code CLASSES} throws {@code wrongTargets(this, Targets.CLASSES)}.
     */
    double forward(Tensor prediction, int[] labels);

    /**
     * The target kinds this loss takes (api 2.1): {@code forward} of a kind in this set evaluates, of any other
     * throws {@link #wrongTargets}. Never empty. The default, {@code {CLASSES}}, is what every api-2.0 loss
     * takes.
     */
    default Set<Targets> targets() {
        return Set.of(Targets.CLASSES);
    }

    /**
     * Evaluates the loss of each row of {@code prediction} ({@code B × N}) against the same row of
     * {@code targets} ({@code B × N} real values) and returns their sum; saves the base points for
     * {@link #jacobian(int)} and {@link #backward()}: the same contract as {@link #forward(Tensor, int[])}
     * (api 2.1).
     *
     * @throws UnsupportedOperationException (the default) when {@link #targets()} lacks {@code VALUES}, with the
     *     message of {@link #wrongTargets}
     * @throws IllegalArgumentException when the shapes differ
     */
    default double forward(Tensor prediction, Tensor targets) {
        throw wrongTargets(this, Targets.VALUES);
    }

    /**
     * The one error for a target kind {@code loss} does not take, such as
     * {@code loss 'cross-entropy' takes class labels, not value targets}. A loss that takes values only
     * throws {@code wrongTargets(this, Targets.CLASSES)} from {@link #forward(Tensor, int[])}; the runner
     * gives the same message when a config pairs a loss with data of the other kind.
     */
    static UnsupportedOperationException wrongTargets(Loss loss, Targets given) {
        StringBuilder takes = new StringBuilder();
        for (Targets t : Targets.values()) {
            if (loss.targets().contains(t)) {
                takes.append(takes.length() == 0 ? "" : " and ").append(words(t));
            }
        }
        return new UnsupportedOperationException("loss '" + loss.type() + "' takes "
                + (takes.length() == 0 ? "no targets" : takes) + ", not " + words(given));
    }

    private static String words(Targets t) {
        return t == Targets.CLASSES ? "class labels" : "value targets";
    }

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
