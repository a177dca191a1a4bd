package dev.chainrule.examples.lion;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", 2023), on the mean gradient
 * {@code ḡ = (1.0/B)·Σ_b ∇} the runner's summed gradients give:
 * <pre>
 *   θ ← θ·(1 − α·λ)                      (decoupled weight decay)
 *   c ← β1·m + (1 − β1)·ḡ
 *   θ ← θ − α·sign(c)
 *   m ← β2·m + (1 − β2)·ḡ
 * </pre>
 * State: the momentum m of each parameter (Lion needs no step counter).
 */
public final class Lion implements Optimizer {
    private double learningRate;
    private final double beta1;
    private final double beta2;
    private final double weightDecay;
    private final Map<Parameter, Buffer> momentum = new IdentityHashMap<>();

    public Lion(double learningRate, double beta1, double beta2, double weightDecay) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    private Buffer buffer(Parameter p) {
        return momentum.computeIfAbsent(p, k -> new Buffer("exp_avg", Shape.of(k.size())));
    }

    @Override
    public List<Buffer> state(List<Parameter> parameters) {
        List<Buffer> out = new ArrayList<>();
        for (Parameter p : parameters) {
            out.add(buffer(p));
        }
        return out;
    }

    @Override
    public void step(List<Parameter> parameters, int batchSize) {
        double scale = 1.0 / batchSize;
        double shrink = 1.0 - learningRate * weightDecay;
        for (Parameter p : parameters) {
            double[] w = p.value();
            double[] g = p.grad();
            double[] m = buffer(p).values();
            for (int i = 0; i < w.length; i++) {
                double d = scale * g[i];
                double c = beta1 * m[i] + (1 - beta1) * d;
                w[i] = w[i] * shrink - learningRate * Math.signum(c);
                m[i] = beta2 * m[i] + (1 - beta2) * d;
            }
        }
    }
}
