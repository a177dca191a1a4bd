package dev.chainrule.optimizers;

import dev.chainrule.api.Buffer;

/**
 * Adam and AdamW as torch.optim.Adam / AdamW (amsgrad off), on the mean gradient {@code ḡ} (clipped if
 * asked), at step t = 1, 2, …:
 * <pre>
 *   θ ← θ·(1 − α·λ)                                  (AdamW: decoupled weight decay)
 *   d ← ḡ + λ·θ                                      (Adam: L2 added to the gradient, when λ ≠ 0)
 *   d ← ḡ                                            (AdamW)
 *   m ← m + (1 − β1)·(d − m)                         (torch's lerp)
 *   v ← β2·v + (1 − β2)·d·d
 *   θ ← θ − (α / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + ε)
 * </pre>
 */
public final class Adam extends ElementwiseOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean decoupled;

    public Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
            boolean decoupled, double clipNorm) {
        super(learningRate, weightDecay, clipNorm, "exp_avg", "exp_avg_sq");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.decoupled = decoupled;
    }

    public boolean decoupled() {
        return decoupled;
    }

    @Override
    protected void update(double[] w, double[] g, double scale, double clip, Buffer[] state, long step) {
        double[] m = state[0].values();
        double[] v = state[1].values();
        double lr = learningRate;
        double lambda = weightDecay;
        double a1 = 1.0 - beta1;
        double a2 = 1.0 - beta2;
        double stepSize = lr / (1.0 - Math.pow(beta1, step));
        double bc2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, step));
        double shrink = 1.0 - lr * lambda;
        for (int i = 0; i < w.length; i++) {
            double d = scale * g[i] * clip;
            if (lambda != 0.0) {
                if (decoupled) {
                    w[i] *= shrink;
                } else {
                    d += lambda * w[i];
                }
            }
            m[i] += a1 * (d - m[i]);
            v[i] = beta2 * v[i] + a2 * d * d;
            double denom = Math.sqrt(v[i]) / bc2Sqrt + epsilon;
            w[i] -= stepSize * (m[i] / denom);
        }
    }
}
