package dev.chainrule.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The chain {@code h = f_L ∘ … ∘ f_1} of stages followed by a loss, and reverse mode through it.
 *
 * <p>Forward: {@code z^1 = x}, {@code z^{i+1} = f_i(z^i)}; each stage saves its base points.
 * Backward (MATH.md, "reverse mode"): start from {@code g = D ℓ}, then for each stage from the last to
 * the first add {@code g·D_θ} to its parameter gradients and pass {@code g ← g·D_x} down — only
 * vector-Jacobian products, never a dense {@code D_W}.
 *
 * <p>When the last stage is an activation the loss can fuse with ({@link Loss#fuseWith}), such as softmax
 * followed by cross-entropy, training runs the chain without that stage into the fused loss
 * (softmax-cross-entropy on the logits, stable at any logit size); {@link #predict} still applies it.
 */
public final class Network {
    private final List<Stage> stages;
    private final Loss loss;
    private final Loss trainLoss;
    private final int trainStages;
    private final List<Parameter> parameters;
    private Tensor lastInput;
    private Tensor trainOutput;
    private int lastBatch;

    public Network(List<Stage> stages, Loss loss) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one stage");
        }
        for (int i = 1; i < stages.size(); i++) {
            Stage prev = stages.get(i - 1);
            Stage next = stages.get(i);
            if (prev.outputSize() != next.inputSize()) {
                throw new IllegalArgumentException("stage " + i + " (" + next.type() + ") takes " + next.inputSize()
                        + " inputs but stage " + (i - 1) + " (" + prev.type() + ") gives " + prev.outputSize());
            }
        }
        Stage last = stages.get(stages.size() - 1);
        if (loss.inputSize() != last.outputSize()) {
            throw new IllegalArgumentException("loss " + loss.type() + " takes " + loss.inputSize()
                    + " inputs but the last stage (" + last.type() + ") gives " + last.outputSize());
        }
        this.stages = List.copyOf(stages);
        this.loss = loss;
        Loss fused = last instanceof Activation a ? loss.fuseWith(a) : null;
        this.trainLoss = fused != null ? fused : loss;
        this.trainStages = fused != null ? stages.size() - 1 : stages.size();
        List<Parameter> ps = new ArrayList<>();
        for (Stage s : stages) {
            if (s instanceof Layer l) {
                ps.addAll(l.parameters());
            }
        }
        this.parameters = Collections.unmodifiableList(ps);
    }

    public List<Stage> stages() {
        return stages;
    }

    /** The loss as configured. */
    public Loss loss() {
        return loss;
    }

    /** The loss training differentiates: the configured one or its fused form. */
    public Loss trainingLoss() {
        return trainLoss;
    }

    /** How many of {@link #stages()} training runs before {@link #trainingLoss()}. */
    public int trainingStages() {
        return trainStages;
    }

    public boolean isFused() {
        return trainLoss != loss;
    }

    public int inputSize() {
        return stages.get(0).inputSize();
    }

    public int outputSize() {
        return stages.get(stages.size() - 1).outputSize();
    }

    /** Every parameter, stage by stage, in order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The whole chain {@code h(x, θ)}, for inference. The result belongs to the last stage. */
    public Tensor predict(Tensor x) {
        Tensor z = x;
        for (Stage s : stages) {
            z = s.forward(z);
        }
        return z;
    }

    /**
     * Forward pass of the training chain and the loss: returns {@code Σ_b ℓ(h(x_b), y_b)} and saves every
     * base point for {@link #backward()}.
     */
    public double forward(Tensor x, int[] labels) {
        if (labels.length != x.rows()) {
            throw new IllegalArgumentException(x.rows() + " rows but " + labels.length + " labels");
        }
        Tensor z = x;
        for (int i = 0; i < trainStages; i++) {
            z = stages.get(i).forward(z);
        }
        lastInput = x;
        trainOutput = z;
        lastBatch = x.rows();
        return trainLoss.forward(z, labels);
    }

    /**
     * The output of the training chain from the last {@link #forward}: the logits when the loss is fused,
     * else {@code h(x)}. Its argmax is the predicted class either way.
     */
    public Tensor trainingOutput() {
        return trainOutput;
    }

    /** Reverse mode from the last {@link #forward}: adds each row's gradient to every parameter's grad. */
    public void backward() {
        if (lastInput == null) {
            throw new IllegalStateException("backward() before forward()");
        }
        Tensor g = trainLoss.backward();
        for (int i = trainStages - 1; i >= 0; i--) {
            g = stages.get(i).backward(g, i > 0);
        }
    }

    public void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
    }

    /**
     * One SGD step on a batch: zero the gradients, forward, backward, let the optimizer step with the
     * mean gradient. Returns the summed loss of the batch (before the step).
     *
     * <p>With plain SGD ({@link Sgd} without momentum) the same reverse pass runs through
     * {@link Layer#backwardAndStep}: each layer still receives {@code g}, adds nothing to {@code grad()} but
     * applies {@code θ ← θ − (α/B)·Σ_b g_b·D_θ} directly, then passes {@code g·D_x} (taken before its own
     * update) down. Same θ as the unfused sequence up to rounding (bitwise for batch size 1), without full
     * passes over the parameters; {@code grad()} is not meaningful afterwards.
     */
    public double trainStep(Tensor x, int[] labels, Optimizer optimizer) {
        if (optimizer instanceof Sgd sgd && sgd.momentum() == 0.0) {
            double l = forward(x, labels);
            double stepSize = sgd.learningRate() * (1.0 / lastBatch); // as Sgd.step scales
            Tensor g = trainLoss.backward();
            for (int i = trainStages - 1; i >= 0; i--) {
                Stage s = stages.get(i);
                g = s instanceof Layer layer ? layer.backwardAndStep(g, i > 0, stepSize) : s.backward(g, i > 0);
            }
            return l;
        }
        zeroGrad();
        double l = forward(x, labels);
        backward();
        optimizer.step(parameters, lastBatch);
        return l;
    }
}
