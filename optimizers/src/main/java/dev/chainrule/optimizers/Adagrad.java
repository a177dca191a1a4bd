package dev.chainrule.optimizers;

import dev.chainrule.api.Buffer;

/**
 * Adagrad as torch.optim.Adagrad, on the mean gradient {@code ḡ} (clipped if asked), at step t = 1, 2, …:
 * <pre>
 *   d ← ḡ + λ·θ                                   (when weightDecay λ ≠ 0)
 *   η ← α / (1 + (t − 1)·lrDecay)
 *   S ← S + d·d                                   (S starts at initialAccumulatorValue)
 *   θ ← θ − η·(d / (sqrt(S) + ε))
 * </pre>
 */
public final class Adagrad extends ElementwiseOptimizer {
    private final double lrDecay;
    private final double initialAccumulator;
    private final double epsilon;

    public Adagrad(double learningRate, double lrDecay, double weightDecay, double initialAccumulator,
            double epsilon, double clipNorm) {
        super(learningRate, weightDecay, clipNorm, "sum");
        this.lrDecay = lrDecay;
        this.initialAccumulator = initialAccumulator;
        this.epsilon = epsilon;
    }

    @Override
    protected double initial(String name) {
        return initialAccumulator;
    }

    @Override
    protected void update(double[] w, double[] g, double scale, double clip, Buffer[] state, long step) {
        double[] sum = state[0].values();
        double lambda = weightDecay;
        double eta = learningRate / (1 + (step - 1) * lrDecay);
        for (int i = 0; i < w.length; i++) {
            double d = scale * g[i] * clip;
            if (lambda != 0.0) {
                d += lambda * w[i];
            }
            sum[i] += d * d;
            w[i] -= eta * (d / (Math.sqrt(sum[i]) + epsilon));
        }
    }
}
