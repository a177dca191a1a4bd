package dev.chainrule.optimizers;

import dev.chainrule.api.Buffer;
import java.util.OptionalDouble;

/**
 * Stochastic gradient descent as torch.optim.SGD, on the mean gradient {@code ḡ} (clipped if asked):
 * <pre>
 *   d ← ḡ + λ·θ                      (only when weightDecay λ ≠ 0)
 *   v ← d                            on the first step, when momentum μ ≠ 0
 *   v ← μ·v + (1 − τ)·d              on later steps (τ = dampening; with τ = 0 this is μ·v + d exactly)
 *   d ← d + μ·v  if nesterov,  else  d ← v          (when μ ≠ 0)
 *   θ ← θ − α·d
 * </pre>
 * With μ = 0, λ = 0 and no clipping the step is linear, {@code θ ← θ − α·(1.0/B)·Σ_b ∇}, applied by the
 * layers during the backward pass ({@link #linearStep}): the bits of the notes' SGD. With τ = 0 and no
 * Nesterov, {@code v ← μ·v + (1.0/B)·Σ_b ∇; θ ← θ − α·v} are the heavy-ball bits the runner always had.
 */
public final class Sgd extends ElementwiseOptimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    public Sgd(double learningRate, double momentum, double dampening, boolean nesterov, double weightDecay,
            double clipNorm) {
        super(learningRate, weightDecay, clipNorm, "velocity");
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening = 0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected boolean stateful() {
        return momentum != 0.0;
    }

    @Override
    public OptionalDouble linearStep(int batchSize) {
        return momentum == 0.0 && weightDecay == 0.0 && clipNorm == 0.0
                ? OptionalDouble.of(learningRate * (1.0 / batchSize)) : OptionalDouble.empty();
    }

    @Override
    protected void update(double[] w, double[] g, double scale, double clip, Buffer[] state, long step) {
        double lr = learningRate;
        double lambda = weightDecay;
        if (momentum == 0.0) {
            for (int i = 0; i < w.length; i++) {
                double d = scale * g[i] * clip;
                if (lambda != 0.0) {
                    d += lambda * w[i];
                }
                w[i] -= lr * d;
            }
            return;
        }
        double[] v = state[0].values();
        double mu = momentum;
        double keep = 1.0 - dampening;
        boolean first = step == 1;
        for (int i = 0; i < w.length; i++) {
            double d = scale * g[i] * clip;
            if (lambda != 0.0) {
                d += lambda * w[i];
            }
            // torch starts the buffer at d undamped; from zero, μ·0 + d is the same value
            v[i] = first ? d : mu * v[i] + keep * d;
            d = nesterov ? d + mu * v[i] : v[i];
            w[i] -= lr * d;
        }
    }
}
