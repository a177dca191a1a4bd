package dev.chainrule.engine.explain;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Merge;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.network.StageGraph;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.Samples;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One step of a config's optimizer on one training sample, printed as the notes' chain rule: the forward pass stage by stage
 * (shapes, the base points each stage keeps), then reverse mode from {@code g = D ℓ}: at each stage its
 * Jacobians' structure (and dense matrix when small), the parameter gradients {@code g·D_θ} and the row
 * vector {@code g ← g·D_x} carried down. The gradients are computed here from the Jacobians one VJP at a
 * time, then compared with the network's own {@code backward()}, and the optimizer takes the step.
 */
public final class Explainer {
    /** Matrices up to this many rows and columns are printed in full. */
    static final int DENSE_MAX = 16;
    /** Vectors up to this length are printed in full; longer ones are summarised. */
    static final int VECTOR_MAX = 16;

    private Explainer() {
    }

    /**
     * Prints the whole step for sample {@code x} with label {@code label}; leaves {@code net} one step of
     * {@code optimizer} further.
     */
    public static void explain(PrintWriter out, RunConfig c, Network net, Optimizer optimizer, Tensor x, int label, int index) {
        double lr = optimizer.learningRate();
        String named = optimizerText(c.training().optimizer());
        List<Stage> stages = net.stages();
        int trainStages = net.trainingStages();
        Loss loss = net.trainingLoss();
        out.printf(Locale.ROOT, "%s: one step of optimizer %s on training sample %d (label %d), learning rate %s%n",
                c.name(), named, index, label, fmt(lr));
        out.println("Conventions (docs/math.md): D f ∈ R^{m×n}, rows = outputs; parameters flattened row-major; "
                + "g is a 1×m row vector.");
        out.println();
        if (!net.graph().isChain()) {
            explainGraph(out, c, net, optimizer, x, label, named);
            return;
        }
        out.println("FORWARD  z^1 = x, z^{i+1} = f_i(z^i); each stage saves the base points its Jacobians need");
        out.println("  x = z^1 " + vector(x.rowCopy(0)));
        List<double[]> inputs = new ArrayList<>();
        Tensor z = x;
        for (int i = 0; i < trainStages; i++) {
            Stage s = stages.get(i);
            inputs.add(z.rowCopy(0));
            z = s.forward(z);
            out.printf(Locale.ROOT, "  [%d] %s %s→%s (%s)%s%n", i, s.type(), s.inputShape(), s.outputShape(), kind(s),
                    paramShapes(s));
            out.println("      base point z^" + (i + 1) + " (input) " + vector(inputs.get(i)));
            out.println("      output z^" + (i + 2) + " " + vector(z.rowCopy(0)));
        }
        double before = loss.forward(z, new int[] {label});
        if (net.isFused()) {
            Stage sm = stages.get(trainStages);
            out.printf(Locale.ROOT, "  [%d] %s is fused with the loss %s: %s on the logits (stable: logsumexp(ẑ) − ẑ_y)%n",
                    trainStages, sm.type(), net.loss().type(), loss.type());
        }
        out.printf(Locale.ROOT, "  loss %s(·, y=%d) = %s%n", loss.type(), label, fmt(before));
        out.println();

        out.println("BACKWARD  g = D ℓ, then for each stage from the last: ∇θ = g·D_θ f, and g ← g·D_x f");
        Jacobian dl = loss.jacobian(0);
        out.println("  D ℓ: " + describe(dl));
        double[] g = dl.vjp(new double[] {1.0});
        out.println("  g = " + vector(g));
        List<double[]> manualGrads = new ArrayList<>();
        for (int i = trainStages - 1; i >= 0; i--) {
            Stage s = stages.get(i);
            out.printf(Locale.ROOT, "  [%d] %s %d→%d, evaluated at its base point z^%d%n", i, s.type(), s.inputSize(),
                    s.outputSize(), i + 1);
            if (s instanceof Layer l) {
                List<Parameter> ps = l.parameters();
                List<double[]> grads = new ArrayList<>();
                for (int k = 0; k < ps.size(); k++) {
                    Parameter p = ps.get(k);
                    Jacobian dp = l.parameterJacobian(k, 0);
                    out.println("      D_" + p.name() + " f: " + describe(dp));
                    double[] gp = dp.vjp(g);
                    grads.add(gp);
                    out.println("      ∂ℓ/∂" + p.name() + " = g·D_" + p.name() + " f " + shaped(gp, p.shape()));
                }
                manualGrads.addAll(0, grads);
            }
            Jacobian dx = s.jacobian(0);
            out.println("      D_x f: " + describe(dx));
            if (i > 0) {
                g = dx.vjp(g);
                out.println("      g ← g·D_x f = " + vector(g));
            } else {
                out.println("      (first stage: g·D_x f would be ∂ℓ/∂x, not needed)");
            }
        }
        out.println();
        checkAndStep(out, net, optimizer, x, label, named, manualGrads, before);
    }

    /**
     * A graph's step (docs/graphs.md): forward node by node, then reverse mode where each node's gradient is the
     * sum over its consumers of their VJPs, a merge giving one Jacobian block per input.
     */
    private static void explainGraph(PrintWriter out, RunConfig c, Network net, Optimizer optimizer, Tensor x, int label,
            String named) {
        StageGraph graph = net.graph();
        List<Stage> stages = net.stages();
        int trainStages = net.trainingStages();
        Loss loss = net.trainingLoss();
        out.println("FORWARD  a graph: each stage reads its inputs' outputs (docs/graphs.md); each saves its base points");
        out.println("  x = input " + vector(x.rowCopy(0)));
        Tensor z = graph.forward(x, dev.chainrule.api.ForwardContext.inference(), trainStages);
        for (int i = 0; i < trainStages; i++) {
            Stage s = stages.get(i);
            int[] in = graph.inputs(i);
            out.printf(Locale.ROOT, "  [%d] %s = %s(%s) %s→%s (%s)%s%n", i, graph.label(i), s.type(), inputNames(graph, in),
                    shapes(s), s.outputShape(), kind(s), paramShapes(s));
            out.println("      output " + vector(graph.output(i).rowCopy(0)));
        }
        double before = loss.forward(z, new int[] {label});
        if (net.isFused()) {
            out.printf(Locale.ROOT, "  [%d] %s is fused with the loss %s: %s on the logits (stable: logsumexp(ẑ) − ẑ_y)%n",
                    trainStages, stages.get(trainStages).type(), net.loss().type(), loss.type());
        }
        out.printf(Locale.ROOT, "  loss %s(·, y=%d) = %s%n", loss.type(), label, fmt(before));
        out.println();
        out.println("BACKWARD  g = D ℓ; the gradient at a stage's output is the sum over its consumers of their VJPs,"
                + " ḡ_j = Σ_c g_c·∂f_c/∂z_j; then ∇θ = ḡ·D_θ f");
        Jacobian dl = loss.jacobian(0);
        out.println("  D ℓ: " + describe(dl));
        double[][] gs = new double[Math.max(trainStages, 1)][];
        List<List<String>> from = new ArrayList<>();
        for (int i = 0; i < trainStages; i++) {
            from.add(new ArrayList<>());
        }
        List<double[]> manualGrads = new ArrayList<>();
        if (trainStages > 0) {
            gs[trainStages - 1] = dl.vjp(new double[] {1.0});
            from.get(trainStages - 1).add("the loss");
        }
        for (int i = trainStages - 1; i >= 0; i--) {
            Stage s = stages.get(i);
            double[] g = gs[i];
            out.printf(Locale.ROOT, "  [%d] %s (%s), at its base point; g = %s%s%n", i, graph.label(i), s.type(),
                    from.get(i).size() > 1 ? "the sum of the VJPs of " + String.join(", ", from.get(i))
                            : "from " + from.get(i).get(0), " " + vector(g));
            if (s instanceof Layer l) {
                List<Parameter> ps = l.parameters();
                List<double[]> grads = new ArrayList<>();
                for (int k = 0; k < ps.size(); k++) {
                    Parameter p = ps.get(k);
                    Jacobian dp = l.parameterJacobian(k, 0);
                    out.println("      D_" + p.name() + " f: " + describe(dp));
                    double[] gp = dp.vjp(g);
                    grads.add(gp);
                    out.println("      ∂ℓ/∂" + graph.label(i) + "." + p.name() + " = g·D_" + p.name() + " f " + shaped(gp, p.shape()));
                }
                manualGrads.addAll(0, grads);
            }
            int[] in = graph.inputs(i);
            for (int k = 0; k < in.length; k++) {
                Jacobian dk = s instanceof Merge m ? m.jacobian(k, 0) : s.jacobian(0);
                String wrt = graph.inputLabel(in[k]);
                out.println("      D_" + wrt + " f: " + describe(dk));
                if (in[k] == StageGraph.INPUT) {
                    out.println("      (reads the input: g·D f would be ∂ℓ/∂x, not needed)");
                    continue;
                }
                double[] v = dk.vjp(g);
                out.println("      VJP to " + wrt + ": g·D_" + wrt + " f = " + vector(v));
                int j = in[k];
                if (gs[j] == null) {
                    gs[j] = v.clone();
                } else {
                    for (int t = 0; t < v.length; t++) {
                        gs[j][t] += v[t];
                    }
                }
                from.get(j).add(graph.label(i));
            }
        }
        out.println();
        checkAndStep(out, net, optimizer, x, label, named, manualGrads, before);
    }

    private static String inputNames(StageGraph graph, int[] in) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < in.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(graph.inputLabel(in[k]));
        }
        return sb.toString();
    }

    private static String shapes(Stage s) {
        if (s instanceof Merge m) {
            StringBuilder sb = new StringBuilder("(");
            for (int k = 0; k < m.inputShapes().size(); k++) {
                sb.append(k == 0 ? "" : ", ").append(m.inputShapes().get(k));
            }
            return sb.append(')').toString();
        }
        return s.inputShape().toString();
    }

    /** The gradients as training gets them, compared with the hand-made ones, then one optimizer step. */
    private static void checkAndStep(PrintWriter out, Network net, Optimizer optimizer, Tensor x, int label, String named,
            List<double[]> manualGrads, double before) {
        double lr = optimizer.learningRate();
        // the same gradients the way training gets them, batched backward(); they must agree
        net.zeroGrad();
        net.forward(x, new int[] {label});
        net.backward();
        double maxDiff = 0;
        List<Parameter> params = net.parameters();
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            double[] manual = manualGrads.get(k);
            for (int f = 0; f < manual.length; f++) {
                maxDiff = Math.max(maxDiff, Math.abs(manual[f] - p.gradAt(f)));
            }
        }
        out.printf(Locale.ROOT, "CHECK  gradients from the Jacobians above vs Network.backward(): max |difference| = %.2e%n",
                maxDiff);
        optimizer.step(params, 1);
        double after = net.forward(x, new int[] {label});
        // a linear step is θ ← θ − α·∇θ (plain SGD); any other optimizer transforms ∇θ with its state first
        String rule = optimizer.linearStep(1).isPresent() ? "θ ← θ − α·∇θ" : "θ ← θ − α·u(∇θ, state)";
        out.printf(Locale.ROOT, "STEP  %s by optimizer %s with α = %s: loss on this sample %s → %s%n", rule, named,
                fmt(lr), fmt(before), fmt(after));
    }

    /** {@code adam (learningRate 0.001, beta1 0.9)}: the type and the options the config gives. */
    public static String optimizerText(RunConfig.Optimizer o) {
        StringBuilder sb = new StringBuilder(o.type());
        String sep = " (";
        for (var e : o.options().entrySet()) {
            sb.append(sep).append(e.getKey()).append(' ').append(e.getValue());
            sep = ", ";
        }
        return sep.equals(", ") ? sb.append(')').toString() : sb.toString();
    }

    /** The stage's kind, as {@code describe} and {@code plugins} name it. */
    public static String kind(Stage s) {
        if (s instanceof Layer) {
            return "layer";
        }
        if (s instanceof dev.chainrule.api.Activation) {
            return "activation";
        }
        if (s instanceof Merge) {
            return "merge";
        }
        return s instanceof dev.chainrule.api.Transform ? "transform" : "stage";
    }

    /** {@code , parameters W 4×3, b 4}; {@code , parameters: none} for a parameter-free stage of any kind. */
    public static String paramShapes(Stage s) {
        if (!(s instanceof Layer l) || l.parameters().isEmpty()) {
            return ", parameters: none";
        }
        StringBuilder sb = new StringBuilder(", parameters");
        String sep = " ";
        for (Parameter p : l.parameters()) {
            StringBuilder dims = new StringBuilder();
            for (int d : p.shape()) {
                dims.append(dims.length() == 0 ? "" : "×").append(d);
            }
            sb.append(sep).append(p.name()).append(' ').append(dims);
            sep = ", ";
        }
        return sb.toString();
    }

    /** Shape, structure, and the dense matrix when it is small. */
    public static String describe(Jacobian j) {
        StringBuilder sb = new StringBuilder();
        sb.append(j.shape()).append(", structure ").append(j.structure()).append(" (").append(j.getClass().getSimpleName())
                .append(')');
        if (j instanceof dev.chainrule.api.support.IdentityJacobian) {
            sb.append(", dense = the identity matrix");
        } else if (j.rows() <= DENSE_MAX && j.cols() <= DENSE_MAX) {
            sb.append(", dense:");
            for (double[] row : j.toDense()) {
                sb.append("\n          ");
                for (double v : row) {
                    sb.append(String.format(Locale.ROOT, "%9.4f", v));
                }
            }
        } else {
            sb.append(", dense ").append(j.rows()).append("×").append(j.cols()).append(" = ")
                    .append((long) j.rows() * j.cols()).append(" entries, not shown");
        }
        return sb.toString();
    }

    /** A row vector: in full when short, else a summary with its largest entries. */
    public static String vector(double[] v) {
        StringBuilder sb = new StringBuilder("(").append(v.length).append(")");
        if (v.length <= VECTOR_MAX) {
            sb.append(" [");
            for (int i = 0; i < v.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(fmt(v[i]));
            }
            return sb.append(']').toString();
        }
        double norm = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int nonzero = 0;
        for (double d : v) {
            norm += d * d;
            min = Math.min(min, d);
            max = Math.max(max, d);
            if (d != 0) {
                nonzero++;
            }
        }
        sb.append(String.format(Locale.ROOT, " ‖·‖=%s, min %s, max %s, %d nonzero; largest |·|:", fmt(Math.sqrt(norm)),
                fmt(min), fmt(max), nonzero));
        boolean[] used = new boolean[v.length];
        for (int t = 0; t < 4; t++) {
            int best = -1;
            for (int i = 0; i < v.length; i++) {
                if (!used[i] && (best < 0 || Math.abs(v[i]) > Math.abs(v[best]))) {
                    best = i;
                }
            }
            used[best] = true;
            sb.append(" [").append(best).append("]=").append(fmt(v[best]));
        }
        return sb.toString();
    }

    /** A parameter gradient: as a matrix when it is a small matrix, else as a vector summary. */
    public static String shaped(double[] v, int[] shape) {
        if (shape.length == 2 && shape[0] <= DENSE_MAX && shape[1] <= DENSE_MAX) {
            StringBuilder sb = new StringBuilder("(" + shape[0] + "×" + shape[1] + "):");
            for (int r = 0; r < shape[0]; r++) {
                sb.append("\n          ");
                for (int k = 0; k < shape[1]; k++) {
                    sb.append(String.format(Locale.ROOT, "%9.4f", v[r * shape[1] + k]));
                }
            }
            return sb.toString();
        }
        String s = vector(v);
        return shape.length == 2 ? "(" + shape[0] + "×" + shape[1] + " flattened row-major) " + s : s;
    }

    public static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
