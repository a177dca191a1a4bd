package dev.chainrule.api;

import java.util.IdentityHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Stochastic gradient descent, as in the notes: {@code θ ← θ − α·ḡ} with {@code ḡ} the mean gradient of
 * the batch. With momentum μ &gt; 0 (heavy ball): {@code v ← μ·v + ḡ}, {@code θ ← θ − α·v}.
 */
public final class Sgd implements Optimizer {
    private double learningRate;
    private final double momentum;

    public Sgd(double learningRate, double momentum) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    public Sgd(double learningRate) {
        this(learningRate, 0.0);
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public double momentum() {
        return momentum;
    }

    /** The velocity of {@code p} (created on first use), for checkpoints. */
    public double[] velocity(Parameter p) {
        return velocityBuffer(p).values();
    }

    /** Plain SGD ({@code μ = 0}) is the linear step {@code θ ← θ − (α/B)·Σ_b ∇}; with momentum it has state. */
    @Override
    public OptionalDouble linearStep(int batchSize) {
        return momentum == 0.0 ? OptionalDouble.of(learningRate * (1.0 / batchSize)) : OptionalDouble.empty();
    }

    /** One velocity buffer per parameter when momentum is on. */
    @Override
    public List<Buffer> state(List<Parameter> parameters) {
        if (momentum == 0.0) {
            return List.of();
        }
        List<Buffer> out = new ArrayList<>();
        for (Parameter p : parameters) {
            out.add(velocityBuffer(p));
        }
        return out;
    }

    private final Map<Parameter, Buffer> velocityBuffers = new IdentityHashMap<>();

    private Buffer velocityBuffer(Parameter p) {
        return velocityBuffers.computeIfAbsent(p, k -> new Buffer("velocity", Shape.of(k.size())));
    }

    @Override
    public void step(List<Parameter> parameters, int batchSize) {
        double scale = 1.0 / batchSize;
        for (Parameter p : parameters) {
            double[] w = p.value();
            double[] g = p.grad();
            if (momentum == 0.0) {
                double a = learningRate * scale;
                for (int i = 0; i < w.length; i++) {
                    w[i] -= a * g[i];
                }
            } else {
                double[] v = velocity(p);
                for (int i = 0; i < w.length; i++) {
                    v[i] = momentum * v[i] + scale * g[i];
                    w[i] -= learningRate * v[i];
                }
            }
        }
    }
}
