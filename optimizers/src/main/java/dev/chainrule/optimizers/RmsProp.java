package dev.chainrule.optimizers;

import dev.chainrule.api.Buffer;

/**
 * RMSprop as torch.optim.RMSprop, on the mean gradient {@code ḡ} (clipped if asked):
 * <pre>
 *   d ← ḡ + λ·θ                                   (when weightDecay λ ≠ 0)
 *   s ← a·s + (1 − a)·d·d                         (a = alpha)
 *   centered:  c ← c + (1 − a)·(d − c);  r ← sqrt(s − c·c) + ε
 *   else:      r ← sqrt(s) + ε
 *   momentum μ ≠ 0:  b ← μ·b + d/r;  θ ← θ − α·b
 *   else:            θ ← θ − α·(d/r)
 * </pre>
 */
public final class RmsProp extends ElementwiseOptimizer {
    private final double alpha;
    private final double epsilon;
    private final double momentum;
    private final boolean centered;

    public RmsProp(double learningRate, double alpha, double epsilon, double weightDecay, double momentum,
            boolean centered, double clipNorm) {
        super(learningRate, weightDecay, clipNorm, "square_avg", "momentum_buffer", "grad_avg");
        this.alpha = alpha;
        this.epsilon = epsilon;
        this.momentum = momentum;
        this.centered = centered;
    }

    @Override
    protected void update(double[] w, double[] g, double scale, double clip, Buffer[] state, long step) {
        double[] s = state[0].values();
        double[] b = state[1].values();
        double[] c = state[2].values();
        double lr = learningRate;
        double lambda = weightDecay;
        double a1 = 1.0 - alpha;
        for (int i = 0; i < w.length; i++) {
            double d = scale * g[i] * clip;
            if (lambda != 0.0) {
                d += lambda * w[i];
            }
            s[i] = alpha * s[i] + a1 * d * d;
            double r;
            if (centered) {
                c[i] += a1 * (d - c[i]);
                r = Math.sqrt(s[i] - c[i] * c[i]) + epsilon;
            } else {
                r = Math.sqrt(s[i]) + epsilon;
            }
            if (momentum != 0.0) {
                b[i] = momentum * b[i] + d / r;
                w[i] -= lr * b[i];
            } else {
                w[i] -= lr * (d / r);
            }
        }
    }
}
