package dev.chainrule.engine.train;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Loss;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.network.StageGraph;
import dev.chainrule.engine.network.StateValues;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * Where a diverged step first produced a non-finite value. The hot loop only checks each batch's loss (and
 * the weights at checkpoints and epoch ends); when that fails, training is replayed from the last in-memory
 * snapshot — deterministically, since the order of an epoch is a pure function of (seed, epoch). The trainer
 * replays twice: with its own training step (the fused one for plain SGD, so the same bits as the run) to find
 * the first batch that goes non-finite, then up to that batch again and through it with {@link #checkedStep}:
 * every stage's output, every backward row vector, every parameter gradient and the update checked, so the
 * first culprit is named with the norms of what went into it.
 */
final class Divergence {
    private Divergence() {
    }

    /** Carries a finding out of the graph's reverse pass. */
    private static final class Found extends RuntimeException {
        final transient Finding finding;

        Found(Finding finding) {
            super(null, null, false, false);
            this.finding = finding;
        }
    }

    /**
     * The first non-finite value of a checked step, or null when the step was finite; {@code row} is the batch
     * row it came from, or −1 when the whole batch made it (running statistics).
     */
    record Finding(int row, String where) {
    }

    /**
     * One training step like {@link Network#trainStep}, the same operations in the same order (so the same
     * bits), checking after each one.
     */
    static Finding checkedStep(Network net, Tensor x, int[] y, Optimizer sgd, ForwardContext context) {
        List<Stage> stages = net.stages();
        net.zeroGrad();
        Tensor z = x;
        int row = firstBadRow(x);
        if (row >= 0) {
            return new Finding(row, "the input sample itself");
        }
        StageGraph graph = net.graph();
        graph.start(x);
        for (int i = 0; i < net.trainingStages(); i++) {
            Stage s = stages.get(i);
            String before = "‖z‖=" + fmt(norm(graph.inputOf(i))) + params(s, false);
            z = graph.forwardNode(i, context);
            row = firstBadRow(z);
            if (row >= 0) {
                return new Finding(row, "the forward pass of stage [" + i + "] " + s.type() + "; norms just before: "
                        + before);
            }
            // a training forward updates running statistics: they can overflow while the output stays finite
            StateValues.Bad bad = StateValues.firstInBuffers(net, i);
            if (bad != null) {
                return new Finding(-1, "the running statistics the forward pass of stage [" + i + "] " + s.type()
                        + " updates (" + bad.describe() + "); norms just before: " + before);
            }
        }
        Loss loss = net.trainingLoss();
        double l = loss.forward(z, y);
        if (!Double.isFinite(l)) {
            return new Finding(0, "the forward pass of the loss " + loss.type() + "; norms just before: ‖z‖="
                    + fmt(norm(z)));
        }
        Tensor g = loss.backward();
        row = firstBadRow(g);
        if (row >= 0) {
            return new Finding(row, "the backward pass of the loss " + loss.type() + " (D ℓ); norms just before: ‖z‖="
                    + fmt(norm(z)));
        }
        try {
            graph.backward(g, net.trainingStages(), (i, s, gi, propagate) -> {
                String before = "‖g‖=" + fmt(norm(gi)) + params(s, false);
                Tensor back = s.backward(gi, propagate);
                int bad;
                if (back != null && (bad = firstBadRow(back)) >= 0) {
                    throw new Found(new Finding(bad, "the backward pass of stage [" + i + "] " + s.type()
                            + " (g·D_x); norms just before: " + before));
                }
                if (s instanceof Layer lay) {
                    for (Parameter p : lay.parameters()) {
                        if (!finite(p.grad())) {
                            throw new Found(new Finding(0, "the backward pass of stage [" + i + "] " + s.type() + " (∂ℓ/∂"
                                    + p.name() + "); norms just before: " + before));
                        }
                    }
                }
                return back;
            });
        } catch (Found f) {
            return f.finding;
        }
        StringBuilder before = new StringBuilder();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof Layer) {
                before.append(" [").append(i).append("]").append(params(stages.get(i), true));
            }
        }
        sgd.step(net.parameters(), x.rows());
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof Layer lay) {
                for (Parameter p : lay.parameters()) {
                    if (!finite(p.value())) {
                        return new Finding(0, "the optimizer's update of stage [" + i + "] " + lay.type() + " "
                                + p.name() + " (α=" + fmt(sgd.learningRate()) + "); norms just before:" + before);
                    }
                }
            }
        }
        return null;
    }

    /** Whether every parameter and buffer (running statistics) is finite, and every variance ≥ 0. */
    static boolean weightsFinite(Network net) {
        return StateValues.first(net) == null;
    }

    /**
     * What is wrong with the network's state, for the first line of the divergence message ("a weight is not
     * finite", or the buffer named when it is running statistics that went bad while the loss stayed finite),
     * or null when it is good.
     */
    static String badState(Network net) {
        StateValues.Bad bad = StateValues.first(net);
        if (bad == null) {
            return null;
        }
        return bad.what().startsWith("buffer ") ? bad.what() + " is " + bad.value() : "a weight is not finite";
    }

    private static String params(Stage s, boolean grads) {
        StringBuilder sb = new StringBuilder();
        if (s instanceof Layer l) {
            for (Parameter p : l.parameters()) {
                sb.append(", ‖").append(p.name()).append("‖=").append(fmt(norm(p.value())));
                if (grads) {
                    sb.append(", ‖∂ℓ/∂").append(p.name()).append("‖=").append(fmt(norm(p.grad())));
                }
            }
        }
        return sb.toString();
    }

    static int firstBadRow(Tensor t) {
        double[] d = t.data();
        for (int i = 0, size = t.size(); i < size; i++) {
            if (!Double.isFinite(d[i])) {
                return t.cols() == 0 ? 0 : i / t.cols();
            }
        }
        return -1;
    }

    static boolean finite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #norm(double[])} of a tensor's entries (its array can be longer: {@link Tensor#data()}). */
    static double norm(Tensor t) {
        return norm(java.util.Arrays.copyOf(t.data(), t.size()));
    }

    /** ‖v‖₂ scaled by the largest |v_i|, so entries near 1e300 do not overflow the sum of squares. */
    static double norm(double[] v) {
        double max = 0;
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return Math.abs(d);
            }
            max = Math.max(max, Math.abs(d));
        }
        if (max == 0) {
            return 0;
        }
        double s = 0;
        for (double d : v) {
            s += (d / max) * (d / max);
        }
        return max * Math.sqrt(s);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
