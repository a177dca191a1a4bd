package dev.chainrule.engine.run;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Merge;
import dev.chainrule.engine.network.StageGraph;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Loss;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import dev.chainrule.api.InPlaceUpdate;
import dev.chainrule.api.Optimizer;
import dev.chainrule.testkit.CheckResult;
import dev.chainrule.testkit.ContractChecks;
import dev.chainrule.testkit.JacobianChecker;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Builds the configured network with its initial random weights and checks, against central differences
 * (testkit's {@link JacobianChecker}), every stage's {@code D_x}, every layer's {@code D_θ}, the loss's
 * {@code D_p} and the whole parameter gradient, on a few random inputs in [0, 1] (MNIST-shaped pixels).
 * Large parameter Jacobians are checked on a random subset of their columns. When the configured optimizer's
 * step is linear (plain SGD), training runs each {@link InPlaceUpdate} layer's fused
 * {@code backwardAndUpdate}; that path is checked too, against backward followed by {@code θ ← θ − c·grad}
 * (testkit's {@link ContractChecks#inPlaceUpdate(Layer, Tensor, Tensor, ForwardContext, double, String)}).
 * Large input Jacobians are compared row by row against sparse central differences, so a convnet's
 * 21632-wide relu needs no dense 21632² matrix. Prints a PASS or FAIL line per part (naming layer index, type
 * and parameter) to the terminal's output.
 */
public class Gradcheck {
    private final NetworkFactory factory;
    private final DataSource dataSource;
    private final Terminal terminal;
    private final JacobianChecker checker = new JacobianChecker();
    private final ContractChecks contracts = new ContractChecks(checker);
    /** What the line calls the fused step's check. */
    public static final String FUSED = "fused SGD step (InPlaceUpdate.backwardAndUpdate)";
    private int columns;

    @Inject
    public Gradcheck(NetworkFactory factory, DataSource dataSource, Terminal terminal) {
        this.factory = factory;
        this.dataSource = dataSource;
        this.terminal = terminal;
    }

    /**
     * Checks {@code c}'s network on {@code samples} random inputs, at most {@code columns} coordinates per
     * parameter in the whole-gradient check; returns whether every part passed.
     */
    public boolean check(RunConfig c, int samples, int columns) {
        this.columns = columns;
        // the mnist data set has 1×28×28 samples; a data folder is asked for its own
        Shape shape = c.data().dataset() != null ? Shape.image(1, 28, 28) : dataSource.load(c.data()).train().shape();
        if (c.input() == 0) {
            c = c.withInput(shape.size());
        }
        Network net = factory.build(c, c.input() == shape.size() ? shape : Shape.of(c.input()), 0);
        SplittableRandom rng = new SplittableRandom(c.seed() ^ 0x6A09E667F3BCC909L);
        Tensor x = new Tensor(samples, net.inputSize());
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = rng.nextDouble();
        }
        int classes = net.outputSize();
        int[] labels = new int[samples];
        for (int b = 0; b < samples; b++) {
            labels[b] = rng.nextInt(classes);
        }
        // the input of every stage, saved before any check reuses the stages' buffers
        // (for a graph the packed rows of a merge's inputs: docs/graphs.md)
        StageGraph graph = net.graph();
        Tensor output = graph.forward(x, ForwardContext.inference(), graph.size()).copy();
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < graph.size(); i++) {
            inputs.add(graph.inputOf(i).copy());
        }
        Optimizer optimizer = factory.optimizer(c);
        boolean fusedStep = optimizer.linearStep(c.training().batchSize()).isPresent();
        boolean ok = true;
        for (int i = 0; i < net.stages().size(); i++) {
            Stage s = net.stages().get(i);
            Tensor in = inputs.get(i);
            String name = graph.describe(i);
            List<CheckResult> parts = new ArrayList<>();
            CheckResult dx = null;
            if (s.batchCoupled()) {
                // rows interact: the per-row D_x means nothing; check the whole batch's Jacobian instead
                s.forward(in);
                int n = in.cols();
                dx = checker.check(s.type() + " whole-batch D_x", s.batchJacobian(samples),
                        v -> s.forward(new Tensor(samples, n, v)).copy().data(), in.copy().data());
            } else {
                for (int r = 0; r < samples; r++) {
                    dx = CheckResult.worse(dx, checker.checkInputJacobian(s, in, r));
                }
            }
            parts.add(under(name, s, dx));
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s D_x %.2e", name, dx.maxRelativeError()));
            if (s instanceof Merge m) {
                // each input's block ∂y/∂x_k on its own, the other inputs held fixed
                int[] ids = graph.inputs(i);
                List<Tensor> parts0 = Merge.split(in, m.inputShapes());
                for (int k = 0; k < ids.length; k++) {
                    CheckResult dk = null;
                    for (int r = 0; r < samples; r++) {
                        dk = CheckResult.worse(dk, checkMergeInput(m, parts0, k, r));
                    }
                    String what = "D_" + graph.inputLabel(ids[k]) + (ids.length > 1 && countOf(ids, ids[k]) > 1
                            ? "#" + (k + 1) : "");
                    parts.add(under(name + " " + what, s, dk));
                    line.append(String.format(Locale.ROOT, ", %s %.2e", what, dk.maxRelativeError()));
                }
            }
            if (s instanceof Layer l) {
                for (int p = 0; p < l.parameters().size(); p++) {
                    CheckResult w = null;
                    for (int r = 0; r < samples; r++) {
                        w = CheckResult.worse(w, checkParameter(l, p, in, r, rng));
                    }
                    parts.add(under(name, s, w));
                    line.append(String.format(Locale.ROOT, ", D_%s %.2e", l.parameters().get(p).name(),
                            w.maxRelativeError()));
                }
            }
            CheckResult back = null;
            for (CheckResult r : checkBackward(s, in, rng)) {
                parts.add(under(name, s, r));
                back = CheckResult.worse(back, r);
            }
            line.append(String.format(Locale.ROOT, ", backward %.2e", back.maxRelativeError()));
            if (fusedStep && s instanceof Layer l && s instanceof InPlaceUpdate) {
                // plain SGD trains through this layer's fused step: it must do what backward + step would
                Tensor g = new Tensor(in.rows(), s.outputSize());
                for (int k = 0; k < g.data().length; k++) {
                    g.data()[k] = rng.nextDouble(-1, 1);
                }
                CheckResult fused = null;
                for (CheckResult r : contracts.inPlaceUpdate(l, in, g, ForwardContext.training(c.seed(), 0), 0.25,
                        FUSED)) {
                    parts.add(under(name, s, r));
                    fused = CheckResult.worse(fused, r);
                }
                line.append(String.format(Locale.ROOT, ", %s %.2e", FUSED, fused.maxRelativeError()));
            }
            ok &= report(line, parts);
        }
        Loss loss = net.loss();
        CheckResult lc = null;
        for (int r = 0; r < samples; r++) {
            lc = CheckResult.worse(lc, checker.checkLossJacobian(loss, output, labels, r));
        }
        ok &= report(new StringBuilder(String.format(Locale.ROOT, "loss %s D_p %.2e", loss.type(),
                lc.maxRelativeError())), List.of(lc));
        if (net.isFused()) {
            Tensor logits = inputs.get(net.trainingStages());
            CheckResult fc = null;
            for (int r = 0; r < samples; r++) {
                fc = CheckResult.worse(fc, checker.checkLossJacobian(net.trainingLoss(), logits, labels, r));
            }
            ok &= report(new StringBuilder(String.format(Locale.ROOT, "fused %s D_logits %.2e",
                    net.trainingLoss().type(), fc.maxRelativeError())), List.of(fc));
        }
        CheckResult g = checker.checkNetworkGradient(net, x, labels, columns, c.seed());
        if (!g.passed() && g.row() >= 0) {
            // the checker's worst entry is (parameter index, flat index): say which layer and parameter
            g = new CheckResult(g.what() + ", worst at " + parameterName(net, g.row(), g.column()), g.row(),
                    g.column(), g.analytic(), g.numeric(), g.relativeError(), g.maxRelativeError(), g.tolerance(), false);
        }
        ok &= report(new StringBuilder(String.format(Locale.ROOT, "whole gradient (%d coordinates per parameter at most) %.2e",
                columns, g.maxRelativeError())), List.of(g));
        terminal.out().printf(Locale.ROOT, "%s: gradcheck %s (tolerance %.0e, %d random inputs)%n", c.name(),
                ok ? "passed" : "FAILED", checker.tolerance(), samples);
        terminal.out().flush();
        return ok;
    }

    /** {@code r} under the stage's name, without the type the checker already put first ("dense dense D_W"). */
    private static CheckResult under(String name, Stage s, CheckResult r) {
        String what = r.what().startsWith(s.type() + " ") ? r.what().substring(s.type().length() + 1) : r.what();
        return new CheckResult(what, r.row(), r.column(), r.analytic(), r.numeric(), r.relativeError(),
                r.maxRelativeError(), r.tolerance(), r.passed()).prefixed(name + " ");
    }

    private boolean report(StringBuilder line, List<CheckResult> parts) {
        boolean ok = parts.stream().allMatch(CheckResult::passed);
        terminal.out().println((ok ? "PASS " : "FAIL ") + line);
        for (CheckResult r : parts) {
            if (!r.passed()) {
                terminal.out().println("     " + r.describe());
            }
        }
        terminal.out().flush();
        return ok;
    }

    private static int countOf(int[] a, int v) {
        int c = 0;
        for (int x : a) {
            c += x == v ? 1 : 0;
        }
        return c;
    }

    /** One input's block {@code ∂y/∂x_k} of a merge at row r against central differences in x_k alone. */
    private CheckResult checkMergeInput(Merge m, List<Tensor> parts, int k, int r) {
        List<Tensor> rows = new ArrayList<>();
        for (Tensor t : parts) {
            rows.add(new Tensor(1, t.cols(), t.rowCopy(r)));
        }
        m.forward(rows, ForwardContext.inference());
        Jacobian j = m.jacobian(k, 0);
        return checker.check(m.type() + " D_x" + (k + 1) + " at row " + r, j, v -> {
            List<Tensor> args = new ArrayList<>(rows);
            args.set(k, new Tensor(1, v.length, v));
            return m.forward(args, ForwardContext.inference()).rowCopy(0);
        }, rows.get(k).rowCopy(0));
    }

    /** "layers[2] dense parameter b[5]" for parameter {@code index} of the network, flat entry {@code flat}. */
    public static String parameterName(Network net, int index, int flat) {
        Parameter target = net.parameters().get(index);
        for (int i = 0; i < net.stages().size(); i++) {
            if (net.stages().get(i) instanceof Layer l) {
                for (Parameter p : l.parameters()) {
                    if (p == target) {
                        return (net.graph().name(i) != null ? net.graph().name(i) + "." + p.name() + " (" + l.type() + ")"
                                : "layers[" + i + "] " + l.type() + " parameter " + p.name()) + " entry " + flat
                                + " of " + java.util.Arrays.toString(p.shape());
                    }
                }
            }
        }
        return "parameter " + target.name() + " entry " + flat;
    }

    /**
     * The stage's {@code backward} on random output gradients g against what its Jacobians say: the input
     * gradient against {@code g_b·D_x(x_b)} per row and each parameter's accumulated gradient against
     * {@code Σ_b g_b·D_θ(x_b)}, the products taken through the Jacobians' own VJPs (their entries are checked
     * above), so a dense 784-input layer needs no dense m×|θ| matrix. A batch-coupled stage is compared with
     * its whole-batch Jacobians.
     */
    private List<CheckResult> checkBackward(Stage s, Tensor in, SplittableRandom rng) {
        List<CheckResult> out = new ArrayList<>();
        s.forward(in);
        int b = in.rows();
        Tensor g = new Tensor(b, s.outputSize());
        for (int k = 0; k < g.data().length; k++) {
            g.data()[k] = rng.nextDouble(-1, 1);
        }
        double[][] expectedX = new double[b][];
        List<double[]> expectedP = new ArrayList<>();
        List<Parameter> ps = s instanceof Layer l ? l.parameters() : List.of();
        if (s.batchCoupled()) {
            double[] all = s.batchJacobian(b).vjp(g.copy().data());
            for (int r = 0; r < b; r++) {
                expectedX[r] = java.util.Arrays.copyOfRange(all, r * s.inputSize(), (r + 1) * s.inputSize());
            }
            for (int i = 0; i < ps.size(); i++) {
                expectedP.add(((Layer) s).batchParameterJacobian(i, b).vjp(g.copy().data()));
            }
        } else {
            for (int r = 0; r < b; r++) {
                expectedX[r] = s.jacobian(r).vjp(g.rowCopy(r));
            }
            for (int i = 0; i < ps.size(); i++) {
                double[] sum = new double[ps.get(i).size()];
                for (int r = 0; r < b; r++) {
                    double[] v = ((Layer) s).parameterJacobian(i, r).vjp(g.rowCopy(r));
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += v[j];
                    }
                }
                expectedP.add(sum);
            }
        }
        ps.forEach(Parameter::zeroGrad);
        Tensor actual = s.backward(g, true);
        out.add(checker.compare("backward: input gradient vs g·D_x", actual.toArray(), expectedX, null));
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            double[] grad = new double[p.size()];
            for (int j = 0; j < grad.length; j++) {
                grad[j] = p.gradAt(j);
            }
            out.add(checker.compare("backward: gradient of parameter " + p.name() + " vs Σ_b g_b·D_" + p.name(),
                    new double[][] {grad}, new double[][] {expectedP.get(i)}, null));
        }
        ps.forEach(Parameter::zeroGrad);
        return out;
    }

    /**
     * {@code D_θ f} of one parameter on at most {@link #columns} of its coordinates: the analytic columns
     * come from VJPs with unit rows (never the dense m×|θ| matrix), the numeric ones from central differences.
     */
    private CheckResult checkParameter(Layer layer, int index, Tensor x, int row, SplittableRandom rng) {
        Parameter p = layer.parameters().get(index);
        if (p.size() <= columns) {
            return checker.checkParameterJacobian(layer, index, x, row);
        }
        int[] cols = rng.ints(0, p.size()).distinct().limit(columns).toArray();
        Tensor single = new Tensor(1, x.cols(), x.rowCopy(row));
        layer.forward(single);
        Jacobian j = layer.parameterJacobian(index, 0);
        int m = j.rows();
        double[][] analytic = new double[m][cols.length];
        double[] e = new double[m];
        double[] rowOut = new double[j.cols()];
        for (int i = 0; i < m; i++) {
            e[i] = 1;
            j.vjp(e, 0, rowOut, 0);
            e[i] = 0;
            for (int k = 0; k < cols.length; k++) {
                analytic[i][k] = rowOut[cols[k]];
            }
        }
        double[] f0 = layer.forward(single).rowCopy(0);
        double[][] numeric = new double[m][cols.length];
        for (int k = 0; k < cols.length; k++) {
            double w = p.get(cols[k]);
            double eps = JacobianChecker.STEP * Math.max(1, Math.abs(w));
            p.set(cols[k], w + eps);
            double[] plus = layer.forward(single).rowCopy(0);
            p.set(cols[k], w - eps);
            double[] minus = layer.forward(single).rowCopy(0);
            p.set(cols[k], w);
            for (int i = 0; i < m; i++) {
                numeric[i][k] = (plus[i] - minus[i]) / (2 * eps);
            }
        }
        CheckResult r = checker.compare(layer.type() + " D_" + p.name() + " at row " + row + " (" + cols.length
                + " of " + p.size() + " columns, sampled)", analytic, numeric, f0);
        if (r.row() < 0) {
            return r;
        }
        // the worst column is a position among the sampled ones: name the parameter's own entry
        int flat = cols[r.column()];
        return new CheckResult(r.what() + ", worst column " + p.name() + index(p.shape(), flat), r.row(), flat,
                r.analytic(), r.numeric(), r.relativeError(), r.maxRelativeError(), r.tolerance(), r.passed());
    }

    /** {@code [i, j]} of flat (row-major, docs/math.md) index {@code flat} in a parameter of {@code shape}. */
    static String index(int[] shape, int flat) {
        int[] at = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = flat % shape[d];
            flat /= shape[d];
        }
        StringBuilder b = new StringBuilder("[");
        for (int d = 0; d < at.length; d++) {
            b.append(d == 0 ? "" : ", ").append(at[d]);
        }
        return b.append(']').toString();
    }
}
