package dev.chainrule.engine.network;

import dev.chainrule.api.Activation;
import dev.chainrule.api.Buffer;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.InPlaceUpdate;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.testkit.GradientTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The chain {@code h = f_L ∘ … ∘ f_1} of stages followed by a loss, and reverse mode through it.
 *
 * <p>Forward: {@code z^1 = x}, {@code z^{i+1} = f_i(z^i)}; each stage saves its base points.
 * Backward (docs/math.md, "reverse mode"): start from {@code g = D ℓ}, then for each stage from the last to
 * the first add {@code g·D_θ} to its parameter gradients and pass {@code g ← g·D_x} down — only
 * vector-Jacobian products, never a dense {@code D_W}.
 *
 * <p>When the last stage is an activation the loss can fuse with ({@link Loss#fuseWith}), such as softmax
 * followed by cross-entropy, training runs the chain without that stage into the fused loss
 * (softmax-cross-entropy on the logits, stable at any logit size); {@link #predict} still applies it.
 *
 * <p>The stages form a {@link StageGraph}: the chain, or a directed acyclic graph with merges (docs/graphs.md),
 * whose reverse mode sums the VJPs at every fan-out.
 *
 * <p>Training code, so the engine's and not the api's: a plugin implements stages and never drives them.
 */
public final class Network implements GradientTarget {
    private final List<Stage> stages;
    private final StageGraph graph;
    private final Loss loss;
    private final Loss trainLoss;
    private final int trainStages;
    private final List<Parameter> parameters;
    private final List<Buffer> buffers;
    private Tensor lastInput;
    private Tensor trainOutput;
    private int lastBatch;
    private final boolean pluginLoss;

    public Network(List<Stage> stages, Loss loss) {
        this(StageGraph.chain(stages), loss);
    }

    /** A network over a graph of stages (docs/graphs.md); the chain is the graph whose node i reads node i−1. */
    public Network(StageGraph graph, Loss loss) {
        List<Stage> stages = graph.stages();
        Stage last = stages.get(stages.size() - 1);
        if (loss.inputSize() != last.outputSize()) {
            throw new IllegalArgumentException("loss " + loss.type() + " takes " + loss.inputSize()
                    + " inputs but the last stage (" + last.type() + ") gives " + last.outputSize());
        }
        this.graph = graph;
        this.stages = List.copyOf(stages);
        this.loss = loss;
        Loss fused = last instanceof Activation a && !(last instanceof dev.chainrule.api.Merge) ? loss.fuseWith(a) : null;
        this.trainLoss = fused != null ? fused : loss;
        this.trainStages = fused != null ? stages.size() - 1 : stages.size();
        this.pluginLoss = !StageGraph.builtIn(trainLoss);
        List<Parameter> ps = new ArrayList<>();
        for (Stage s : stages) {
            if (s instanceof Layer l) {
                ps.addAll(l.parameters());
            }
        }
        this.parameters = Collections.unmodifiableList(ps);
        List<Buffer> bs = new ArrayList<>();
        for (Stage s : stages) {
            bs.addAll(s.buffers());
        }
        this.buffers = Collections.unmodifiableList(bs);
    }

    public List<Stage> stages() {
        return stages;
    }

    /** The stages as a graph: each one's inputs and name (a chain for a sequential config). */
    public StageGraph graph() {
        return graph;
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
        return graph.inputShape().size();
    }

    public int outputSize() {
        return stages.get(stages.size() - 1).outputSize();
    }

    /** Every parameter, stage by stage, in order. */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Every stage's non-trained state ({@link Stage#buffers()}), stage by stage, in order. */
    public List<Buffer> buffers() {
        return buffers;
    }

    /** The shape of an input row. */
    public Shape inputShape() {
        return graph.inputShape();
    }

    /** The whole chain {@code h(x, θ)} in inference mode. The result belongs to the last stage. */
    public Tensor predict(Tensor x) {
        return predict(x, ForwardContext.inference());
    }

    /** The whole chain {@code h(x, θ)} under {@code context}. The result belongs to the last stage. */
    public Tensor predict(Tensor x, ForwardContext context) {
        return graph.forward(x, context, stages.size());
    }

    /**
     * {@link #forward(Tensor, int[], ForwardContext)} in inference mode: for evaluating the loss, and for
     * checks of deterministic networks.
     */
    @Override
    public double forward(Tensor x, int[] labels) {
        return forward(x, labels, ForwardContext.inference());
    }

    /**
     * Forward pass of the training chain and the loss: returns {@code Σ_b ℓ(h(x_b), y_b)} and saves every
     * base point for {@link #backward()}. Stage {@code i} sees {@code context.atStage(i)}, so its random
     * draws are a function of (seed, i, step, row) only: the same context gives the same output again.
     */
    public double forward(Tensor x, int[] labels, ForwardContext context) {
        if (labels.length != x.rows()) {
            throw new IllegalArgumentException(x.rows() + " rows but " + labels.length + " labels");
        }
        return trainLoss.forward(lossInput(trainingChain(x, context)), labels);
    }

    /**
     * {@link #forward(Tensor, int[], ForwardContext)} against real-valued targets ({@code B × T}, a regression):
     * the loss must take values ({@code Loss.Targets.VALUES}).
     */
    public double forward(Tensor x, Tensor targets, ForwardContext context) {
        if (targets.rows() != x.rows()) {
            throw new IllegalArgumentException(x.rows() + " rows but " + targets.rows() + " target rows");
        }
        return trainLoss.forward(lossInput(trainingChain(x, context)), targets);
    }

    /** The loss's input: a plugin loss is handed an exact copy of a view ({@link StageGraph#exact}). */
    private Tensor lossInput(Tensor z) {
        return pluginLoss ? StageGraph.exact(z) : z;
    }

    /** The training stages' forward pass over the graph, the base points saved for {@link #backward()}. */
    private Tensor trainingChain(Tensor x, ForwardContext context) {
        Tensor z = graph.forward(x, context, trainStages);
        lastInput = x;
        trainOutput = z;
        lastBatch = x.rows();
        return z;
    }

    /**
     * The output of the training chain from the last {@link #forward}: the logits when the loss is fused,
     * else {@code h(x)}. Its argmax is the predicted class either way.
     */
    public Tensor trainingOutput() {
        return trainOutput;
    }

    /** Reverse mode from the last {@link #forward}: adds each row's gradient to every parameter's grad. */
    @Override
    public void backward() {
        if (lastInput == null) {
            throw new IllegalStateException("backward() before forward()");
        }
        graph.backward(trainLoss.backward(), trainStages, StageGraph.PLAIN);
    }

    public void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
    }

    /**
     * One optimizer step on a batch: zero the gradients, forward (in {@code context}, normally training),
     * backward, let the optimizer step with the summed gradient. Returns the summed loss of the batch (before
     * the step).
     *
     * <p>When the optimizer's step is linear ({@link Optimizer#linearStep}: plain SGD), the same reverse pass
     * runs through {@link InPlaceUpdate} for the layers that offer it: each still receives {@code g}, applies
     * {@code θ ← θ − c·Σ_b g_b·D_θ} directly, then passes {@code g·D_x} (taken before its own update) down.
     * Other layers take "zero grad, backward, {@code θ ← θ − c·grad}". Same θ as the unfused sequence up to
     * rounding (bitwise for batch size 1), without full passes over the parameters; {@code grad()} is not
     * meaningful afterwards.
     */
    public double trainStep(Tensor x, int[] labels, Optimizer optimizer, ForwardContext context) {
        return step(x, optimizer, () -> forward(x, labels, context));
    }

    /** {@link #trainStep(Tensor, int[], Optimizer, ForwardContext)} against real-valued targets (a regression). */
    public double trainStep(Tensor x, Tensor targets, Optimizer optimizer, ForwardContext context) {
        return step(x, optimizer, () -> forward(x, targets, context));
    }

    private double step(Tensor x, Optimizer optimizer, java.util.function.DoubleSupplier forward) {
        OptionalDouble linear = optimizer.linearStep(x.rows());
        if (linear.isPresent()) {
            double scale = linear.getAsDouble();
            double l = forward.getAsDouble();
            graph.backward(trainLoss.backward(), trainStages, (i, s, g, propagate) -> {
                if (s instanceof Layer layer) {
                    return layer instanceof InPlaceUpdate fast ? fast.backwardAndUpdate(g, propagate, scale)
                            : backwardThenStep(layer, g, propagate, scale);
                }
                return s.backward(g, propagate);
            });
            return l;
        }
        zeroGrad();
        double l = forward.getAsDouble();
        backward();
        optimizer.step(parameters, lastBatch);
        return l;
    }

    /** The unfused linear step on one layer: zero its grads, backward, {@code θ ← θ − c·grad}. */
    private static Tensor backwardThenStep(Layer layer, Tensor g, boolean propagate, double scale) {
        for (Parameter p : layer.parameters()) {
            p.zeroGrad();
        }
        Tensor gx = layer.backward(g, propagate);
        for (Parameter p : layer.parameters()) {
            double[] w = p.value();
            double[] gw = p.grad();
            for (int k = 0; k < w.length; k++) {
                w[k] -= scale * gw[k];
            }
        }
        return gx;
    }
}
