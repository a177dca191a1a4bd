package dev.chainrule.engine.network;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Merge;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The stages of a network as a directed acyclic graph with one data input and one output, and reverse mode
 * over it (docs/graphs.md). Node {@code i} is {@code stages.get(i)}; its inputs are earlier nodes or
 * {@link #INPUT}, the data; the nodes are in a topological order and the last one is the output. A chain
 * ({@code h = f_L ∘ … ∘ f_1}) is the graph whose node i reads node i−1, and runs exactly the calls it always
 * ran, in the same order, so a sequential network gives the same bits as before.
 *
 * <p>Forward runs the nodes in order; a {@link Merge} gets the list of its inputs' outputs. Backward runs them
 * in reverse: the gradient at a node's output is the sum over its consumers of their VJPs,
 * {@code ḡ_j = Σ_{c ∈ consumers(j)} g_c·∂f_c/∂z_j}. The VJPs arrive in a fixed order (consumers from the last
 * node to the first; a merge's inputs in order) and are summed in that order in a buffer the graph owns, so
 * the sum is deterministic whatever the thread count. A node with one consumer takes that VJP as it is (no
 * copy), which is the chain's case.
 */
public final class StageGraph {
    /** The input id of the network's data. */
    public static final int INPUT = -1;

    private final List<Stage> stages;
    private final int[][] inputs;
    private final List<String> names;
    private final int[] fanOut;
    private final boolean chain;
    private final Tensor[] outputs;
    private final Tensor[] sums;
    /**
     * Node i's stage comes from a plugin, which may read {@code data().length} as its batch's size (written
     * before a tensor could be the front of a larger buffer): it is handed exact copies of such views.
     */
    private final boolean[] exact;
    private Tensor lastInput;

    /** How one non-merge node's backward runs: plain {@code backward}, or a layer's fused step. */
    @FunctionalInterface
    public interface NodeBackward {
        Tensor apply(int node, Stage stage, Tensor g, boolean propagate);
    }

    /** Plain reverse mode: {@code stage.backward(g, propagate)}. */
    public static final NodeBackward PLAIN = (node, stage, g, propagate) -> stage.backward(g, propagate);

    /**
     * @param stages the nodes, in a topological order, the output last
     * @param inputs per node, the ids of its inputs (earlier nodes, or {@link #INPUT}); one for a stage, one or
     *     more for a {@link Merge}
     * @param names per node, its config name or null
     * @throws IllegalArgumentException when the lists disagree, an input is not an earlier node, sizes do not
     *     fit, or a node other than the last has no consumer
     */
    public StageGraph(List<Stage> stages, List<int[]> inputs, List<String> names) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one stage");
        }
        int n = stages.size();
        if (inputs.size() != n || names.size() != n) {
            throw new IllegalArgumentException(n + " stages but " + inputs.size() + " input lists and " + names.size()
                    + " names");
        }
        this.stages = List.copyOf(stages);
        this.exact = new boolean[stages.size()];
        for (int i = 0; i < exact.length; i++) {
            exact[i] = !builtIn(stages.get(i));
        }
        this.names = Collections.unmodifiableList(new ArrayList<>(names));
        this.inputs = new int[n][];
        this.fanOut = new int[n];
        boolean isChain = true;
        for (int i = 0; i < n; i++) {
            int[] in = inputs.get(i).clone();
            Stage s = stages.get(i);
            if (in.length == 0) {
                throw new IllegalArgumentException(label(i) + " has no input");
            }
            if (!(s instanceof Merge) && in.length != 1) {
                throw new IllegalArgumentException(label(i) + " (" + s.type() + ") takes one input, given " + in.length);
            }
            if (s instanceof Merge m && m.inputCount() != in.length) {
                throw new IllegalArgumentException(label(i) + " (" + s.type() + ") was built for " + m.inputCount()
                        + " inputs, given " + in.length);
            }
            for (int k = 0; k < in.length; k++) {
                int j = in[k];
                if (j < INPUT || j >= i) {
                    throw new IllegalArgumentException(label(i) + " reads " + j + ", not the input or an earlier stage");
                }
                if (j >= 0) {
                    fanOut[j]++;
                    int want = s instanceof Merge m ? m.inputShapes().get(k).size() : s.inputSize();
                    if (stages.get(j).outputSize() != want) {
                        throw new IllegalArgumentException("stage " + i + " (" + s.type() + ") takes "
                                + (s instanceof Merge m ? m.inputShapes().get(k) : s.inputShape()) + " but stage " + j
                                + " (" + stages.get(j).type() + ") gives " + stages.get(j).outputShape());
                    }
                }
            }
            isChain &= !(s instanceof Merge) && in[0] == i - 1;
            this.inputs[i] = in;
        }
        for (int j = 0; j < n - 1; j++) {
            if (fanOut[j] == 0) {
                throw new IllegalArgumentException(label(j) + " (" + stages.get(j).type() + ") is used by no stage;"
                        + " a network has one output, its last stage");
            }
        }
        this.chain = isChain;
        this.outputs = new Tensor[n];
        this.sums = new Tensor[n];
    }

    /** The chain {@code f_L ∘ … ∘ f_1}: node i reads node i−1, no names. */
    public static StageGraph chain(List<Stage> stages) {
        List<int[]> in = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            in.add(new int[] {i - 1});
            names.add(null);
        }
        for (int i = 1; i < stages.size(); i++) {
            Stage prev = stages.get(i - 1);
            Stage next = stages.get(i);
            if (prev.outputSize() != next.inputSize()) {
                throw new IllegalArgumentException("stage " + i + " (" + next.type() + ") takes " + next.inputShape()
                        + " but stage " + (i - 1) + " (" + prev.type() + ") gives " + prev.outputShape());
            }
        }
        return new StageGraph(stages, in, names);
    }

    public List<Stage> stages() {
        return stages;
    }

    public int size() {
        return stages.size();
    }

    /** The shape of a data row: what the first stage reading {@link #INPUT} takes there. */
    public dev.chainrule.api.Shape inputShape() {
        for (int i = 0; i < stages.size(); i++) {
            for (int k = 0; k < inputs[i].length; k++) {
                if (inputs[i][k] == INPUT) {
                    return stages.get(i) instanceof Merge m ? m.inputShapes().get(k) : stages.get(i).inputShape();
                }
            }
        }
        return stages.get(0).inputShape();
    }

    /** Whether this is a plain chain (no merge, each node reading the one before). */
    public boolean isChain() {
        return chain;
    }

    /** The ids of node {@code i}'s inputs ({@link #INPUT} for the data), a copy. */
    public int[] inputs(int i) {
        return inputs[i].clone();
    }

    /** How many inputs of later nodes read node {@code i}. */
    public int fanOut(int i) {
        return fanOut[i];
    }

    /** Node {@code i}'s config name, or null when it has none. */
    public String name(int i) {
        return names.get(i);
    }

    /** The node's name, or {@code layers[i]} when it has none: what messages and listings call it. */
    public String label(int i) {
        String n = names.get(i);
        return n != null ? n : "layers[" + i + "]";
    }

    /** {@code input} or a node's {@link #label}. */
    public String inputLabel(int id) {
        return id == INPUT ? "input" : label(id);
    }

    /**
     * Runs nodes {@code 0 … count−1} on {@code x} and returns the output of node {@code count−1} ({@code x} when
     * count is 0). Node i sees {@code context.atStage(i)}. Each node's output stays readable with
     * {@link #output} until the next forward.
     */
    public Tensor forward(Tensor x, ForwardContext context, int count) {
        start(x);
        Tensor z = x;
        for (int i = 0; i < count; i++) {
            z = forwardNode(i, context);
        }
        return z;
    }

    /** Starts a forward pass node by node ({@link #forwardNode}) on the data {@code x}. */
    public void start(Tensor x) {
        lastInput = x;
    }

    /** Runs node {@code i} on its inputs' outputs (nodes before it have run since {@link #start}); returns its output. */
    public Tensor forwardNode(int i, ForwardContext context) {
        Tensor x = lastInput;
        Stage s = stages.get(i);
        int[] in = inputs[i];
        Tensor z;
        if (s instanceof Merge m) {
            List<Tensor> args = new ArrayList<>(in.length);
            for (int j : in) {
                args.add(exactFor(i, j == INPUT ? x : outputs[j]));
            }
            z = m.forward(args, context.atStage(i));
        } else {
            z = s.forward(exactFor(i, in[0] == INPUT ? x : outputs[in[0]]), context.atStage(i));
        }
        outputs[i] = checked(i, x.rows(), z);
        return z;
    }

    /** The output of node {@code id} in the last forward ({@link #INPUT}: the data). */
    public Tensor output(int id) {
        return id == INPUT ? lastInput : outputs[id];
    }

    /**
     * Node {@code i}'s input in the last forward: its one input's output, or for a merge the packed rows
     * {@code [x_1 | … | x_k]} its one-input {@link Stage} form takes (a new tensor).
     */
    public Tensor inputOf(int i) {
        int[] in = inputs[i];
        if (in.length == 1) {
            return output(in[0]);
        }
        Tensor first = output(in[0]);
        Tensor packed = new Tensor(first.rows(), stages.get(i).inputSize());
        int at = 0;
        for (int j : in) {
            Tensor t = output(j);
            for (int b = 0; b < t.rows(); b++) {
                System.arraycopy(t.data(), t.offset(b), packed.data(), packed.offset(b) + at, t.cols());
            }
            at += t.cols();
        }
        return packed;
    }

    /** What listings call node i: {@code layers[i] dense}, or {@code block1.conv1 conv2d} when it has a name. */
    public String describe(int i) {
        return label(i) + " " + stages.get(i).type();
    }

    /**
     * Reverse mode over nodes {@code count−1 … 0}, {@code g} being the gradient at node {@code count−1}'s output.
     * Non-merge nodes run through {@code step}; a node whose input is the data is told not to propagate.
     */
    public void backward(Tensor g, int count, NodeBackward step) {
        reverse(g, count, step, false);
    }

    /**
     * Plain reverse mode over every node, from {@code g} at the output, down to the data: returns
     * {@code ∂/∂x} (the sum over the stages that read the input), for saliency maps. Parameter gradients are
     * accumulated as in {@link #backward}.
     */
    public Tensor backwardToInput(Tensor g) {
        return reverse(g, stages.size(), PLAIN, true);
    }

    private Tensor reverse(Tensor g, int count, NodeBackward step, boolean toInput) {
        Tensor inputGrad = null;
        if (count == 0) {
            return null;
        }
        Tensor[] grads = new Tensor[count];
        int[] arrived = new int[count];
        grads[count - 1] = g;
        for (int i = count - 1; i >= 0; i--) {
            Tensor gi = exactFor(i, grads[i]);
            grads[i] = null;
            if (gi == null) {
                continue;
            }
            Stage s = stages.get(i);
            int[] in = inputs[i];
            if (s instanceof Merge m) {
                boolean[] propagate = new boolean[in.length];
                for (int k = 0; k < in.length; k++) {
                    propagate[k] = toInput || in[k] != INPUT;
                }
                List<Tensor> back = m.backward(gi, propagate);
                for (int k = 0; k < in.length; k++) {
                    if (in[k] == INPUT && toInput) {
                        inputGrad = addInto(inputGrad, back.get(k));
                    } else if (propagate[k]) {
                        deliver(grads, arrived, in[k], back.get(k), i);
                    }
                }
            } else {
                Tensor back = step.apply(i, s, gi, toInput || in[0] != INPUT);
                if (in[0] == INPUT && toInput) {
                    inputGrad = addInto(inputGrad, back);
                } else if (in[0] != INPUT) {
                    deliver(grads, arrived, in[0], back, i);
                }
            }
        }
        return inputGrad;
    }

    /**
     * Whether {@code o} is the project's own code, which reads a tensor's first {@code size()} entries only
     * ({@link Tensor#data()}); plugins are not assumed to (docs/plugins.md, "Tensors").
     */
    public static boolean builtIn(Object o) {
        String name = o.getClass().getName();
        // the examples are written as a third party would write them, so they are treated as one
        return name.startsWith("dev.chainrule.") && !name.startsWith("dev.chainrule.examples.");
    }

    /** {@code t} as node i may read it: a copy of exactly {@code size()} entries for a plugin given a view, else {@code t}. */
    private Tensor exactFor(int i, Tensor t) {
        return exact[i] ? exact(t) : t;
    }

    /**
     * {@code t}, or a copy of exactly {@code size()} entries when {@code t} is the front of a larger buffer: for
     * code that may take {@code data().length} for the size (only the few smaller batches of an epoch are views).
     */
    public static Tensor exact(Tensor t) {
        return t == null || t.data().length == t.size() ? t : t.copy();
    }

    private static Tensor addInto(Tensor sum, Tensor t) {
        if (sum == null) {
            return t.copy();
        }
        double[] a = sum.data();
        double[] b = t.data();
        for (int k = 0, size = sum.size(); k < size; k++) {
            a[k] += b[k];
        }
        return sum;
    }

    /** Adds the VJP {@code t} that consumer {@code from} sends to node {@code j}: the sum at a fan-out. */
    private void deliver(Tensor[] grads, int[] arrived, int j, Tensor t, int from) {
        if (t == null) {
            throw new IllegalStateException(label(from) + " (" + stages.get(from).type()
                    + ") returned no input gradient from backward although asked to propagate");
        }
        arrived[j]++;
        if (fanOut[j] == 1) {
            grads[j] = t;
            return;
        }
        if (arrived[j] == 1) {
            Tensor sum = Tensor.reuseFront(sums[j], t.rows(), t.cols());
            System.arraycopy(t.data(), 0, sum.data(), 0, sum.size());
            sums[j] = sum;
            grads[j] = sum;
        } else {
            double[] a = grads[j].data();
            double[] b = t.data();
            for (int k = 0, size = t.size(); k < size; k++) {
                a[k] += b[k];
            }
        }
    }

    /**
     * A plugin stage that returns the wrong number of rows or columns would otherwise fail somewhere
     * downstream, far from its cause; this names it. Two int compares per stage and batch.
     */
    private Tensor checked(int i, int rows, Tensor out) {
        Stage s = stages.get(i);
        if (out == null || out.rows() != rows || out.cols() != s.outputSize()) {
            throw new IllegalStateException("stage " + i + " (" + s.type() + ") returned "
                    + (out == null ? "null" : out.rows() + "×" + out.cols()) + " from forward, expected " + rows + "×"
                    + s.outputSize() + " (" + rows + " rows of its output shape " + s.outputShape() + ")");
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < stages.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(label(i)).append(" = ").append(stages.get(i).type()).append('(');
            for (int k = 0; k < inputs[i].length; k++) {
                sb.append(k == 0 ? "" : ", ").append(inputLabel(inputs[i][k]));
            }
            sb.append(')');
        }
        return sb.toString() + (Arrays.stream(fanOut).anyMatch(f -> f > 1) ? " (with fan-out)" : "");
    }
}
