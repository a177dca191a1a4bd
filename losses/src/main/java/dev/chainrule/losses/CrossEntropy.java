package dev.chainrule.losses;

import dev.chainrule.api.Activation;
import dev.chainrule.api.Loss;
import java.util.Arrays;

/**
 * Cross-entropy on probabilities: {@code CE(p, y) = −ln p_y}.
 *
 * <p>Jacobian w.r.t. p: the 1×N row {@code −(1/p_y) e_yᵀ} (docs/math.md, slip 3 of the notes corrected: a row,
 * not a scalar).
 *
 * <p>No clamping: at {@code p_y = 0} (a softmax that rounded to 0) the loss is {@code +∞} and the
 * gradient entry {@code −∞}, which is the truth about the rounded input; a silent clamp would hide it.
 * The remedy is the fused form: after a softmax, {@link #fuseWith} returns {@link SoftmaxCrossEntropy} on
 * the logits, which {@code Network} trains with automatically (a config may also name
 * {@code softmax-cross-entropy} directly, without the softmax stage).
 */
public final class CrossEntropy extends ClassLoss {
    /** The type id. */
    public static final String TYPE = "cross-entropy";

    public CrossEntropy(int n) {
        super(n);
    }

    @Override
    double lossAndGradient(double[] p, int off, int y, double[] grad) {
        double py = p[off + y];
        Arrays.fill(grad, off, off + n, 0.0);
        grad[off + y] = -1.0 / py;
        return -Math.log(py);
    }

    @Override
    String jacobianFormula() {
        return "−(1/p_y) e_yᵀ";
    }

    /** Softmax followed by this loss becomes {@link SoftmaxCrossEntropy} on the softmax's input. */
    @Override
    public Loss fuseWith(Activation previous) {
        if ("softmax".equals(previous.type()) && previous.inputSize() == n) {
            return new SoftmaxCrossEntropy(n);
        }
        return null;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
