package dev.chainrule.testkit;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.CheckCase;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.InPlaceUpdate;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The plugin contract as plain checks, without JUnit: each method builds instances through a factory, runs
 * one family of checks over a few input sizes and returns one {@link CheckResult} per check. The JUnit
 * contract classes ({@link StageContract}, {@link LayerContract}, {@link ActivationContract},
 * {@link LossContract}) assert these results one by one; the runner's {@code verify-plugin} runs the same
 * methods on a jar's providers and prints the worst result per type. So the two can never disagree.
 *
 * <p>Non-numeric checks (shapes, determinism, option rejection) report {@link #pass} or {@link #fail}
 * results with nothing to compare.
 */
public final class ContractChecks {
    /** Rows per test batch. */
    public static final int BATCH = CheckCase.DEFAULT_BATCH;

    /** Builds a stage for rows of {@code inputSize} with the options under test and {@code seed}. */
    @FunctionalInterface
    public interface StageFactory {
        Stage create(int inputSize, long seed);
    }

    /** Builds a loss on predictions of size {@code n} with the options under test. */
    @FunctionalInterface
    public interface LossFactory {
        Loss create(int n);
    }

    /** Where a loss is defined: a batch of predictions, ordinary or {@code extreme}. */
    @FunctionalInterface
    public interface Predictions {
        Tensor draw(int rows, int n, boolean extreme, SplittableRandom rng);
    }

    /** Entries in [−2, 2], or ±30 when extreme: for losses on logits or unconstrained values. */
    public static final Predictions UNCONSTRAINED = (rows, n, extreme, rng) ->
            extreme ? saturated(rows, n, rng) : uniform(rows, n, 2, rng);

    /**
     * Rows of a probability vector, for a loss on probabilities (such as cross-entropy after softmax).
     * Ordinary rows have entries from [0.05, 1], normalised; extreme rows are nearly one-hot, the small
     * entries in [1e-3, 1e-2]: smaller p_y is correct code but outside what a fixed step resolves (for
     * −ln p the central difference with ε = 1e-6 has relative truncation error ε²/(3p²), above 1e-6 once
     * p &lt; 6e-4).
     */
    public static final Predictions PROBABILITIES = (rows, n, extreme, rng) -> {
        Tensor p = new Tensor(rows, n);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            int top = rng.nextInt(n);
            for (int i = 0; i < n; i++) {
                double v = extreme ? (i == top ? 1.0 : rng.nextDouble(1e-3, 1e-2)) : rng.nextDouble(0.05, 1);
                p.set(r, i, v);
                sum += v;
            }
            for (int i = 0; i < n; i++) {
                // normalise only ordinary rows; extreme rows keep their small entries exact and sum near 1
                p.set(r, i, extreme && i == top ? 1.0 - (sum - 1.0) : extreme ? p.get(r, i) : p.get(r, i) / sum);
            }
        }
        return p;
    };

    private final JacobianChecker checker;

    private static double[] rowTimes(double[] g, double[][] dense, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < dense.length; i++) {
            for (int j = 0; j < cols; j++) {
                out[j] += g[i] * dense[i][j];
            }
        }
        return out;
    }

    public ContractChecks(JacobianChecker checker) {
        this.checker = checker;
    }

    public JacobianChecker checker() {
        return checker;
    }

    /** A passed check with nothing numeric to compare. */
    public static CheckResult pass(String what) {
        return new CheckResult(what, -1, -1, Double.NaN, Double.NaN, 0, 0, 0, true);
    }

    /** A failed check with nothing numeric to compare; {@code what} says what went wrong. */
    public static CheckResult fail(String what) {
        return new CheckResult(what, -1, -1, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY, 0, false);
    }

    /** Entries uniform in {@code [−a, a]}. */
    public static Tensor uniform(int rows, int cols, double a, SplittableRandom rng) {
        Tensor t = new Tensor(rows, cols);
        double[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextDouble(-a, a);
        }
        return t;
    }

    /** Entries {@code ±30 + U(−1, 1)}, random signs: where sigmoid and softmax saturate. */
    public static Tensor saturated(int rows, int cols, SplittableRandom rng) {
        Tensor t = new Tensor(rows, cols);
        double[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (rng.nextBoolean() ? 30 : -30) + rng.nextDouble(-1, 1);
        }
        return t;
    }

    // ---- stages (layers and activations) ----

    /** n inputs, {@code outputSize()} outputs, one output row per input row, Jacobian m×n. */
    public List<CheckResult> stageShapes(StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            Stage s = f.create(n, 1);
            String what = s.type() + " at n=" + n;
            if (s.inputSize() != n) {
                out.add(fail(what + ": inputSize() is " + s.inputSize() + ", built for " + n));
                continue;
            }
            Tensor y = s.forward(uniform(BATCH, n, 2, new SplittableRandom(n)));
            int m = s.outputSize();
            if (y.rows() != BATCH || y.cols() != m) {
                out.add(fail(what + ": forward of " + BATCH + "×" + n + " gave " + y.rows() + "×" + y.cols()
                        + ", expected " + BATCH + "×" + m));
            } else if (s.jacobian(0).rows() != m || s.jacobian(0).cols() != n) {
                out.add(fail(what + ": D_x is " + s.jacobian(0).rows() + "×" + s.jacobian(0).cols()
                        + ", expected " + m + "×" + n));
            } else {
                out.add(pass(what + ": shapes " + BATCH + "×" + n + " → " + BATCH + "×" + m));
            }
        }
        return out;
    }

    /** {@code D_x} against central differences at every row, at random or saturated (|x| ≈ 30) points. */
    public List<CheckResult> inputJacobians(StageFactory f, int[] sizes, boolean saturated) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            Stage s = f.create(n, saturated ? 3 : 2);
            Tensor x = saturated ? saturated(BATCH, n, new SplittableRandom(200 + n))
                    : uniform(BATCH, n, 2, new SplittableRandom(100 + n));
            for (int r = 0; r < BATCH; r++) {
                out.add(checker.checkInputJacobian(s, x, r));
            }
        }
        return out;
    }

    /** Every {@code D_θ} of a layer against central differences; nothing for a parameter-free stage. */
    public List<CheckResult> parameterJacobians(StageFactory f, int[] sizes, boolean saturated) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            if (!(f.create(n, saturated ? 8 : 7) instanceof Layer layer)) {
                continue;
            }
            Tensor x = saturated ? saturated(BATCH, n, new SplittableRandom(700 + n))
                    : uniform(BATCH, n, 2, new SplittableRandom(600 + n));
            for (int i = 0; i < layer.parameters().size(); i++) {
                for (int r = 0; r < x.rows(); r++) {
                    out.add(checker.checkParameterJacobian(layer, i, x, r));
                }
            }
        }
        return out;
    }

    /** backward equals {@code g_b·D_x} per row (and {@code Σ_b g_b·D_θ}); every VJP equals g × dense. */
    public List<CheckResult> backward(StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            Stage s = f.create(n, 4);
            SplittableRandom rng = new SplittableRandom(300 + n);
            Tensor x = uniform(BATCH, n, 2, rng);
            Tensor g = uniform(BATCH, s.outputSize(), 1, rng);
            out.addAll(checker.checkBackward(s, x, g));
            s.forward(x);
            for (int b = 0; b < BATCH; b++) {
                out.add(checker.checkVjp(s.type() + " D_x at row " + b, s.jacobian(b), g.rowCopy(b)));
            }
            if (s instanceof Layer l) {
                for (int i = 0; i < l.parameters().size(); i++) {
                    for (int b = 0; b < BATCH; b++) {
                        out.add(checker.checkVjp(s.type() + " D_" + l.parameters().get(i).name() + " at row " + b,
                                l.parameterJacobian(i, b), g.rowCopy(b)));
                    }
                }
            }
        }
        return out;
    }

    /** A batch of rows gives the same outputs as the rows one at a time. */
    public List<CheckResult> batchEqualsRows(StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            out.add(checker.checkBatchEqualsRows(f.create(n, 5), uniform(BATCH, n, 3, new SplittableRandom(400 + n))));
        }
        return out;
    }

    /** The same seed and input give the same output, from a new instance and from a second call. */
    public List<CheckResult> deterministic(StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            Tensor x = uniform(BATCH, n, 2, new SplittableRandom(500 + n));
            double[] first = f.create(n, 6).forward(x).copy().data();
            Stage again = f.create(n, 6);
            String what = again.type() + " forward at n=" + n;
            if (!Arrays.equals(first, again.forward(x).data())) {
                out.add(fail(what + ": same seed and input, different output"));
            } else if (!Arrays.equals(first, again.forward(x).data())) {
                out.add(fail(what + ": a second call on the same instance differs"));
            } else {
                out.add(pass(what + " is deterministic"));
            }
        }
        return out;
    }

    /** Every stage check above, in order (per-row ones skipped for a batch-coupled stage). */
    public List<CheckResult> allStageChecks(StageFactory f, int[] sizes) {
        return allStageChecks(null, f, sizes);
    }

    /**
     * Every stage check, in order: the kind's shape rule (when {@code kind} is given), shapes, the per-row
     * Jacobians and backward (skipped with the reason for a batch-coupled stage), whole-batch Jacobians and
     * backward in training and inference, the fast path, training vs inference and determinism.
     */
    public List<CheckResult> allStageChecks(ComponentProvider.Kind kind, StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        if (kind != null) {
            out.addAll(kindShapes(kind, f, sizes));
        }
        out.addAll(stageShapes(f, sizes));
        if (out.stream().anyMatch(r -> !r.passed())) {
            return out;
        }
        if (f.create(sizes[0], 1).batchCoupled()) {
            out.add(perRowSkipped(f.create(sizes[0], 1)));
        } else {
            out.addAll(inputJacobians(f, sizes, false));
            out.addAll(inputJacobians(f, sizes, true));
            out.addAll(parameterJacobians(f, sizes, false));
            out.addAll(parameterJacobians(f, sizes, true));
            out.addAll(backward(f, sizes));
            out.addAll(batchEqualsRows(f, sizes));
        }
        out.addAll(batchJacobians(f, sizes, true));
        out.addAll(batchJacobians(f, sizes, false));
        out.addAll(inPlaceUpdate(f, sizes));
        out.addAll(trainingAndInference(f, sizes));
        out.addAll(deterministic(f, sizes));
        return out;
    }

    /** The reason the per-row contract does not apply to a batch-coupled stage. */
    public static CheckResult perRowSkipped(Stage s) {
        return CheckResult.skip(s.type() + " per-row checks (D_x per row, batch = single rows): a batch-coupled"
                + " stage's rows interact, so it is checked on the whole batch (batchJacobian) instead");
    }

    /**
     * The rule of the kind: an activation maps R^n to R^n; every stage's shapes agree with its sizes. The
     * same message in {@code verify-plugin} and the contract tests.
     */
    public static List<CheckResult> kindShapes(ComponentProvider.Kind kind, StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            Stage s = f.create(n, 1);
            String what = s.type() + " (" + kind.id() + ") at n=" + n;
            if (kind == ComponentProvider.Kind.ACTIVATION && s.outputSize() != s.inputSize()) {
                out.add(fail(what + ": an activation maps R^n to R^n, but outputSize() is " + s.outputSize()
                        + "; a stage that changes size is a Transform (TransformProvider)"));
            } else if (kind != ComponentProvider.Kind.LAYER && s instanceof Layer l && !l.parameters().isEmpty()) {
                out.add(fail(what + ": has parameters, so it is a Layer (LayerProvider), not a " + kind.id()));
            } else if (s.outputShape().size() != s.outputSize() || s.inputShape().size() != s.inputSize()) {
                out.add(fail(what + ": shapes " + s.inputShape() + " → " + s.outputShape() + " do not match sizes "
                        + s.inputSize() + " → " + s.outputSize()));
            } else {
                out.add(pass(what + ": " + s.inputShape() + " → " + s.outputShape()));
            }
        }
        return out;
    }

    /** Where option checks build: the first declared case's shape (a stage may refuse flat rows), else 3. */
    public static Shape optionShape(ComponentProvider p) {
        return p.checkCases().isEmpty() ? Shape.of(3) : p.checkCases().get(0).inputShape();
    }

    /** The context the checks train with: a fixed seed and step, the stage at position 0. */
    public static ForwardContext trainingContext() {
        return ForwardContext.training(42, 3).atStage(0);
    }

    /**
     * The whole batch's {@code D_x} ({@link Stage#batchJacobian}, (B·m)×(B·n)) against central differences
     * over all B·n inputs, every layer's {@link Layer#batchParameterJacobian} likewise, and {@code backward}
     * against {@code g·J} for the input and {@code Σ g·D_θ} for each parameter, all under one forward
     * context: training (the masks of a random stage are fixed by the context, a batch-coupled stage uses
     * batch statistics) or inference.
     */
    public List<CheckResult> batchJacobians(StageFactory f, int[] sizes, boolean training) {
        List<CheckResult> out = new ArrayList<>();
        ForwardContext ctx = training ? trainingContext() : ForwardContext.inference();
        String mode = training ? "training" : "inference";
        for (int n : sizes) {
            Stage s = f.create(n, 12);
            int b = BATCH;
            SplittableRandom rng = new SplittableRandom(800 + n);
            Tensor x = uniform(b, n, 2, rng);
            Tensor g = uniform(b, s.outputSize(), 1, rng);
            String what = s.type() + " whole batch (" + b + " rows, " + mode + ")";
            s.forward(x, ctx);
            Jacobian jx = s.batchJacobian(b);
            out.add(checker.check(what + " D_x", jx, v -> s.forward(new Tensor(b, n, v), ctx).copy().data(),
                    x.copy().data()));
            List<Parameter> ps = s instanceof Layer l ? l.parameters() : List.of();
            for (int i = 0; i < ps.size(); i++) {
                Layer l = (Layer) s;
                Parameter p = ps.get(i);
                s.forward(x, ctx);
                Jacobian jp = l.batchParameterJacobian(i, b);
                double[] theta = p.toRowMajor();
                try {
                    out.add(checker.check(what + " D_" + p.name(), jp, v -> {
                        p.setFromRowMajor(v);
                        return s.forward(x, ctx).copy().data();
                    }, theta));
                } finally {
                    p.setFromRowMajor(theta);
                }
            }
            // backward at x itself: the numeric checks left the base point elsewhere
            s.forward(x, ctx);
            double[] gf = g.copy().data();
            double[][] expectedX = {rowTimes(gf, s.batchJacobian(b).toDense(), b * n)};
            List<double[]> expectedP = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                expectedP.add(rowTimes(gf, ((Layer) s).batchParameterJacobian(i, b).toDense(), ps.get(i).size()));
                ps.get(i).zeroGrad();
            }
            Tensor back = s.backward(g, true);
            if (back == null || back.rows() != b || back.cols() != n) {
                out.add(fail(what + ": backward(g, true) returned " + (back == null ? "null" : back.rows() + "×"
                        + back.cols()) + ", expected " + b + "×" + n));
                continue;
            }
            out.add(checker.compare(what + " backward vs g·D_x", new double[][] {back.copy().data()}, expectedX, null));
            for (int i = 0; i < ps.size(); i++) {
                Parameter p = ps.get(i);
                double[] grad = new double[p.size()];
                for (int j = 0; j < grad.length; j++) {
                    grad[j] = p.gradAt(j);
                }
                out.add(checker.compare(what + " backward: gradient of parameter " + p.name() + " vs Σ_b g_b·D_"
                        + p.name(), new double[][] {grad}, new double[][] {expectedP.get(i)}, null));
            }
        }
        return out;
    }

    /**
     * The {@link InPlaceUpdate} fast path against the slow path it stands for: on two instances with the same
     * seed and input, {@code backwardAndUpdate(g, true, c)} must return the {@code backward(g, true)} input
     * gradient and move every parameter by exactly {@code c·grad} (zero grads, backward, θ ← θ − c·grad).
     */
    public List<CheckResult> inPlaceUpdate(StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        double c = 0.25;
        for (int n : sizes) {
            Stage slow = f.create(n, 9);
            if (!(slow instanceof Layer ls) || !(slow instanceof InPlaceUpdate)) {
                continue;
            }
            Layer lf = (Layer) f.create(n, 9);
            SplittableRandom rng = new SplittableRandom(900 + n);
            Tensor x = uniform(BATCH, n, 2, rng);
            Tensor g = uniform(BATCH, slow.outputSize(), 1, rng);
            ForwardContext ctx = trainingContext();
            ls.forward(x, ctx);
            ls.parameters().forEach(Parameter::zeroGrad);
            Tensor slowBack = ls.backward(g, true).copy();
            List<double[]> before = new ArrayList<>();
            List<double[]> slowStep = new ArrayList<>();
            for (Parameter p : ls.parameters()) {
                double[] d = new double[p.size()];
                for (int j = 0; j < d.length; j++) {
                    d[j] = c * p.gradAt(j);
                }
                slowStep.add(d);
            }
            for (Parameter p : lf.parameters()) {
                before.add(p.toRowMajor());
            }
            lf.forward(x, ctx);
            Tensor fastBack = ((InPlaceUpdate) lf).backwardAndUpdate(g, true, c);
            String what = slow.type() + " InPlaceUpdate.backwardAndUpdate at n=" + n;
            if (fastBack == null) {
                out.add(fail(what + ": returned null with propagate = true"));
                continue;
            }
            out.add(checker.compare(what + ": input gradient vs backward", fastBack.toArray(), slowBack.toArray(), null));
            for (int i = 0; i < lf.parameters().size(); i++) {
                Parameter p = lf.parameters().get(i);
                double[] after = p.toRowMajor();
                double[] step = new double[after.length];
                for (int j = 0; j < step.length; j++) {
                    step[j] = before.get(i)[j] - after[j];
                }
                out.add(checker.compare(what + ": step of parameter " + p.name() + " vs backward then "
                        + p.name() + " ← " + p.name() + " − c·grad", new double[][] {step},
                        new double[][] {slowStep.get(i)}, null));
            }
        }
        return out;
    }

    /**
     * {@link #inPlaceUpdate(StageFactory, int[])} on one built layer (gradcheck's: the network's own instance),
     * at input {@code x} and output gradient {@code g}: {@code backwardAndUpdate(g, true, c)} against
     * {@code backward(g, true)} then {@code θ ← θ − c·grad}, both after a forward in {@code ctx}. The layer's
     * parameters are put back afterwards.
     */
    public List<CheckResult> inPlaceUpdate(Layer layer, Tensor x, Tensor g, ForwardContext ctx, double c, String what) {
        List<CheckResult> out = new ArrayList<>();
        List<double[]> before = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            before.add(p.toRowMajor());
        }
        try {
            layer.forward(x, ctx);
            layer.parameters().forEach(Parameter::zeroGrad);
            Tensor slowBack = layer.backward(g, true).copy();
            List<double[]> slowStep = new ArrayList<>();
            for (Parameter p : layer.parameters()) {
                double[] grad = new double[p.size()];
                for (int j = 0; j < grad.length; j++) {
                    grad[j] = c * p.gradAt(j);
                }
                slowStep.add(grad);
            }
            layer.parameters().forEach(Parameter::zeroGrad);
            layer.forward(x, ctx);
            Tensor fastBack = ((InPlaceUpdate) layer).backwardAndUpdate(g, true, c);
            if (fastBack == null) {
                out.add(fail(what + ": returned null with propagate = true"));
                return out;
            }
            out.add(checker.compare(what + ": input gradient vs backward", fastBack.toArray(), slowBack.toArray(), null));
            for (int i = 0; i < layer.parameters().size(); i++) {
                Parameter p = layer.parameters().get(i);
                double[] after = p.toRowMajor();
                double[] step = new double[after.length];
                for (int j = 0; j < step.length; j++) {
                    step[j] = before.get(i)[j] - after[j];
                }
                out.add(checker.compare(what + ": step of parameter " + p.name() + " vs backward then "
                        + p.name() + " ← " + p.name() + " − c·grad", new double[][] {step},
                        new double[][] {slowStep.get(i)}, null));
            }
            return out;
        } finally {
            for (int i = 0; i < layer.parameters().size(); i++) {
                layer.parameters().get(i).setFromRowMajor(before.get(i));
            }
            layer.parameters().forEach(Parameter::zeroGrad);
        }
    }

    /**
     * Training vs inference: under one training {@link ForwardContext} a stage gives the same output from
     * two instances with the same seed and from a second call (it draws only from {@code ctx.random(row)});
     * inference must not draw (the context throws there) and is repeatable.
     */
    public List<CheckResult> trainingAndInference(StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        ForwardContext ctx = trainingContext();
        for (int n : sizes) {
            Tensor x = uniform(BATCH, n, 2, new SplittableRandom(1000 + n));
            Stage a = f.create(n, 10);
            String what = a.type() + " at n=" + n;
            double[] first;
            try {
                first = a.forward(x, ctx).copy().data();
            } catch (RuntimeException e) {
                out.add(fail(what + ": forward in training (" + ctx + ") threw " + e));
                continue;
            }
            Stage b = f.create(n, 10);
            if (!Arrays.equals(first, b.forward(x, ctx).data())) {
                out.add(fail(what + ": same seed, input and training ForwardContext, different output: draw only"
                        + " from ctx.random(row), never from a Random of your own"));
            } else if (!Arrays.equals(first, b.forward(x, ctx).data())) {
                out.add(fail(what + ": a second training forward with the same ForwardContext differs"));
            } else {
                out.add(pass(what + ": training forward reproducible under the same ForwardContext"));
            }
            try {
                double[] inf = b.forward(x, ForwardContext.inference()).copy().data();
                out.add(Arrays.equals(inf, b.forward(x, ForwardContext.inference()).data())
                        ? pass(what + ": inference repeatable")
                        : fail(what + ": two inference forwards of the same input differ"));
            } catch (IllegalStateException e) {
                out.add(explained(what, e));
            }
        }
        return out;
    }

    /**
     * A stage that draws from the forward context in inference makes the context throw, in whichever check
     * comes first: say what that means instead of the bare exception.
     */
    static CheckResult explained(String type, IllegalStateException e) {
        if (String.valueOf(e.getMessage()).startsWith("no randomness in inference")) {
            return fail(type + " draws randomness in inference (" + e.getMessage() + "); draw only when"
                    + " ctx.training()");
        }
        throw e;
    }

    /** A factory for one declared {@link CheckCase}: its shape and options, the seed as given. */
    public static StageFactory caseFactory(Function<BuildContext, ? extends Stage> build, CheckCase c) {
        return (n, seed) -> build.apply(new BuildContext(c.inputShape(), c.options(), seed));
    }

    /**
     * Every stage check on the default flat sizes (built with {@code defaults}) and on each declared
     * {@link CheckCase}, the case's name before each of its results. A stage that refuses flat input (a
     * {@link ShapeException}) is checked on its cases only; with no case that is a failure, since nothing
     * would be checked.
     */
    public List<CheckResult> stageProvider(ComponentProvider p, Function<BuildContext, ? extends Stage> build,
            Options defaults, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        List<CheckCase> cases = p.checkCases();
        StageFactory flat = (n, seed) -> build.apply(new BuildContext(n, defaults, seed));
        try {
            flat.create(sizes[0], 1);
            out.addAll(allStageChecks(p.kind(), flat, sizes));
        } catch (IllegalStateException e) {
            out.add(explained(p.type(), e));
        } catch (ShapeException e) {
            out.add(cases.isEmpty()
                    ? fail(p.type() + " refuses flat input (" + e.getMessage() + ") and declares no checkCases():"
                            + " nothing would be checked; declare a CheckCase with an input shape it takes")
                    : CheckResult.skip(p.type() + " at flat sizes: " + e.getMessage() + "; checked on its "
                            + cases.size() + " declared case(s)"));
        }
        for (CheckCase c : cases) {
            String prefix = "case '" + c.name() + "' (" + c.inputShape() + ", " + c.options() + "): ";
            try {
                for (CheckResult r : allStageChecks(p.kind(), caseFactory(build, c), new int[] {c.inputShape().size()})) {
                    out.add(r.prefixed(prefix));
                }
            } catch (IllegalStateException e) {
                out.add(explained(p.type(), e).prefixed(prefix));
            } catch (RuntimeException e) {
                out.add(fail(prefix + "threw " + e));
            }
        }
        return out;
    }

    // ---- merges (api 3.1) ----

    /** The input shape lists a merge is checked on: two flat 4s, two 2×3×3, then its own {@code checkInputs()}. */
    public static List<List<Shape>> mergeInputs(dev.chainrule.api.MergeProvider p) {
        List<List<Shape>> all = new ArrayList<>();
        all.add(List.of(Shape.of(4), Shape.of(4)));
        all.add(List.of(Shape.image(2, 3, 3), Shape.image(2, 3, 3)));
        all.addAll(p.checkInputs());
        return all;
    }

    /** A stage factory building the merge for {@code shapes} (the packed size is their sum; n is ignored). */
    public static StageFactory mergeFactory(Function<BuildContext, ? extends Stage> build, List<Shape> shapes,
            Options options) {
        return (n, seed) -> build.apply(BuildContext.merge("", shapes, options, seed));
    }

    /**
     * Every check of a merge: for each input shape list, the whole stage contract on its packed form
     * ({@code [x_1 | … | x_k] ↦ y}, so D_x is the block row of the inputs' Jacobians), then each input's block
     * {@code ∂y/∂x_k} against central differences in x_k alone (the others held) and {@code backward}'s k-th
     * gradient against {@code g·∂y/∂x_k}; and shapes that do not merge refused with a {@link ShapeException}.
     */
    public List<CheckResult> mergeProvider(dev.chainrule.api.MergeProvider p, Function<BuildContext, ? extends Stage> build,
            Options options) {
        List<CheckResult> out = new ArrayList<>();
        for (List<Shape> shapes : mergeInputs(p)) {
            String prefix = "inputs " + shapes + ": ";
            try {
                StageFactory f = mergeFactory(build, shapes, options);
                Stage s = f.create(0, 1);
                if (!(s instanceof dev.chainrule.api.Merge m)) {
                    out.add(fail(prefix + p.type() + ": the provider made a " + s.getClass().getName()
                            + ", not a Merge"));
                    continue;
                }
                if (!m.inputShapes().equals(shapes)) {
                    out.add(fail(prefix + p.type() + ": inputShapes() is " + m.inputShapes() + ", built for " + shapes));
                    continue;
                }
                int n = s.inputSize();
                for (CheckResult r : allStageChecks(ComponentProvider.Kind.MERGE, f, new int[] {n})) {
                    out.add(r.prefixed(prefix));
                }
                for (CheckResult r : mergeBlocks(f)) {
                    out.add(r.prefixed(prefix));
                }
            } catch (ShapeException e) {
                out.add(fail(prefix + p.type() + " refused inputs it is checked on: " + e.getMessage()));
            } catch (RuntimeException e) {
                out.add(fail(prefix + "threw " + e));
            }
        }
        for (List<Shape> bad : p.refusedInputs()) {
            String what = p.type() + " of " + bad;
            try {
                build.apply(BuildContext.merge("", bad, options, 0));
                out.add(fail(what + ": accepted shapes that do not merge; throw a ShapeException from the constructor"));
            } catch (ShapeException e) {
                out.add(pass(what + " refused: " + e.getMessage()));
            } catch (RuntimeException e) {
                out.add(fail(what + ": threw " + e + " instead of a ShapeException"));
            }
        }
        return out;
    }

    /** Each input's Jacobian block and backward gradient of a merge, at random points. */
    public List<CheckResult> mergeBlocks(StageFactory f) {
        List<CheckResult> out = new ArrayList<>();
        dev.chainrule.api.Merge m = (dev.chainrule.api.Merge) f.create(0, 9);
        List<Shape> shapes = m.inputShapes();
        SplittableRandom rng = new SplittableRandom(900 + m.inputSize());
        List<Tensor> xs = new ArrayList<>();
        for (Shape s : shapes) {
            xs.add(uniform(BATCH, s.size(), 2, rng));
        }
        for (int k = 0; k < shapes.size(); k++) {
            int input = k;
            for (int r = 0; r < BATCH; r++) {
                int row = r;
                List<Tensor> single = new ArrayList<>();
                for (Tensor x : xs) {
                    single.add(new Tensor(1, x.cols(), x.rowCopy(row)));
                }
                m.forward(single, ForwardContext.inference());
                Jacobian j = m.jacobian(input, 0);
                out.add(checker.check(m.type() + " ∂y/∂x_" + (input + 1) + " at row " + row, j, v -> {
                    List<Tensor> args = new ArrayList<>(single);
                    args.set(input, new Tensor(1, v.length, v));
                    return m.forward(args, ForwardContext.inference()).rowCopy(0);
                }, single.get(input).rowCopy(0)));
            }
        }
        Tensor g = uniform(BATCH, m.outputSize(), 1, rng);
        m.forward(xs, ForwardContext.inference());
        boolean[] all = new boolean[shapes.size()];
        Arrays.fill(all, true);
        List<Tensor> back = m.backward(g, all);
        if (back == null || back.size() != shapes.size()) {
            out.add(fail(m.type() + ": backward(g, propagate) gave " + (back == null ? "null" : back.size() + " gradients")
                    + " for " + shapes.size() + " inputs"));
            return out;
        }
        for (int k = 0; k < shapes.size(); k++) {
            Tensor bk = back.get(k);
            if (bk == g || back.subList(0, k).contains(bk)) {
                out.add(fail(m.type() + ": backward's gradient of input " + (k + 1) + " is g itself or another input's"
                        + " tensor; the engine hands them to different stages, so each must be its own"));
                continue;
            }
            double[][] expected = new double[BATCH][];
            for (int b = 0; b < BATCH; b++) {
                expected[b] = m.jacobian(k, b).vjp(g.rowCopy(b));
            }
            out.add(checker.compare(m.type() + " backward: gradient of input " + (k + 1) + " vs g·∂y/∂x_" + (k + 1),
                    bk.toArray(), expected, null));
        }
        return out;
    }

    // ---- options ----

    /** An option key the provider does not declare must raise an {@link OptionException} naming it. */
    public static CheckResult unknownOptionRejected(Function<BuildContext, ?> build, Options valid) {
        return unknownOptionRejected(build, valid, Shape.of(3));
    }

    /** As {@link #unknownOptionRejected(Function, Options)}, on input rows of {@code shape}. */
    public static CheckResult unknownOptionRejected(Function<BuildContext, ?> build, Options valid, Shape shape) {
        Map<String, Object> m = new LinkedHashMap<>(valid.asMap());
        m.put("no-such-option", 1);
        String what = "unknown option 'no-such-option'";
        try {
            build.apply(new BuildContext(shape, new Options(m), 0));
        } catch (OptionException e) {
            if (!"no-such-option".equals(e.key()) || e.getMessage() == null
                    || !e.getMessage().contains("no-such-option")) {
                return fail(what + ": rejected but the OptionException does not name it: key " + e.key()
                        + ", message '" + e.getMessage() + "'");
            }
            return pass(what + " rejected");
        } catch (RuntimeException e) {
            return fail(what + ": threw " + e + " instead of an OptionException naming the key"
                    + " (call context.options().requireKnown(options()))");
        }
        return fail(what + ": accepted; call context.options().requireKnown(options()) in create()");
    }

    /** Each bad option must raise an {@link OptionException} with the given key and message fragment. */
    public static List<CheckResult> badOptionsRejected(Function<BuildContext, ?> build, List<BadOption> bad) {
        return badOptionsRejected(build, bad, Shape.of(3));
    }

    /** As {@link #badOptionsRejected(Function, List)}, on input rows of {@code shape}. */
    public static List<CheckResult> badOptionsRejected(Function<BuildContext, ?> build, List<BadOption> bad,
            Shape shape) {
        List<CheckResult> out = new ArrayList<>();
        for (BadOption b : bad) {
            String what = "bad options " + b.options();
            try {
                build.apply(new BuildContext(shape, b.options(), 0));
                out.add(fail(what + ": accepted"));
            } catch (OptionException e) {
                if (!java.util.Objects.equals(b.key(), e.key())) {
                    out.add(fail(what + ": key of '" + e.describe() + "' is not " + b.key()));
                } else if (e.getMessage() == null || !e.getMessage().contains(b.messageFragment())) {
                    out.add(fail(what + ": '" + e.getMessage() + "' does not contain '" + b.messageFragment() + "'"));
                } else {
                    out.add(pass(what + " rejected"));
                }
            } catch (RuntimeException e) {
                out.add(fail(what + ": threw " + e + " instead of an OptionException"));
            }
        }
        return out;
    }

    // ---- losses ----

    private static int[] labels(int rows, int n, SplittableRandom rng) {
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rng.nextInt(n);
        }
        return y;
    }

    private static boolean takes(LossFactory f, Loss.Targets kind) {
        return f.create(3).targets().contains(kind);
    }

    /**
     * What the loss checks feed a loss: class labels or value targets, drawn from the same stream as the
     * predictions. Each kind has its own seeds (value targets 500 on) and its own words in the check lines.
     */
    private enum Feed {
        CLASSES(Loss.Targets.CLASSES, "", "on class labels", 0),
        VALUES(Loss.Targets.VALUES, " on value targets", "on value targets", 500);

        final Loss.Targets kind;
        /** Appended to a check's subject: "" for labels, the classic wording. */
        final String words;
        final String skipWords;
        final int seed;

        Feed(Loss.Targets kind, String words, String skipWords, int seed) {
            this.kind = kind;
            this.words = words;
            this.skipWords = skipWords;
            this.seed = seed;
        }

        /** A batch's targets drawn for {@code rows × n} predictions. */
        Drawn draw(int rows, int n, SplittableRandom rng) {
            return this == CLASSES ? new Drawn(labels(rows, n, rng), null) : new Drawn(null, valueTargets(rows, n, rng));
        }

        /** Skipped when the loss does not take this kind, else null. */
        List<CheckResult> skipUnless(LossFactory f, String checks) {
            if (takes(f, kind)) {
                return null;
            }
            return List.of(CheckResult.skip(f.create(3).type() + " " + checks + " " + skipWords + ": its targets() are "
                    + f.create(3).targets()));
        }
    }

    /** One batch's targets: labels or values, whichever {@link Feed} drew. */
    private record Drawn(int[] labels, Tensor values) {
        double forward(Loss l, Tensor x) {
            return labels != null ? l.forward(x, labels) : l.forward(x, values);
        }

        CheckResult jacobian(JacobianChecker checker, Loss l, Tensor x, int row) {
            return labels != null ? checker.checkLossJacobian(l, x, labels, row) : checker.checkLossJacobian(l, x, values, row);
        }

        CheckResult batchEqualsRows(JacobianChecker checker, Loss l, Tensor x) {
            return labels != null ? checker.checkLossBatchEqualsRows(l, x, labels)
                    : checker.checkLossBatchEqualsRows(l, x, values);
        }
    }

    private static List<CheckResult> skipLabels(LossFactory f, String checks) {
        return Feed.CLASSES.skipUnless(f, checks);
    }

    /** A finite value, inputSize N, Jacobian 1×N, backward B×N (on class labels; skipped for a value-only loss). */
    public List<CheckResult> lossShapes(LossFactory f, Predictions p, int[] sizes) {
        return lossShapes(Feed.CLASSES, f, p, sizes);
    }

    /** {@code D_p} against central differences at every row, ordinary or extreme predictions. */
    public List<CheckResult> lossJacobians(LossFactory f, Predictions p, int[] sizes, boolean extreme) {
        return lossJacobians(Feed.CLASSES, f, p, sizes, extreme);
    }

    /** backward rows equal the Jacobian rows, and each Jacobian's VJP equals its dense form. */
    public List<CheckResult> lossBackward(LossFactory f, Predictions p, int[] sizes) {
        return lossBackward(Feed.CLASSES, f, p, sizes);
    }

    /** The batch's summed loss and gradient rows equal those of single rows. */
    public List<CheckResult> lossBatchEqualsRows(LossFactory f, Predictions p, int[] sizes) {
        return lossBatchEqualsRows(Feed.CLASSES, f, p, sizes);
    }

    private List<CheckResult> lossShapes(Feed feed, LossFactory f, Predictions p, int[] sizes) {
        List<CheckResult> skipped = feed.skipUnless(f, "shapes");
        if (skipped != null) {
            return skipped;
        }
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom(feed.seed + n);
            Loss l = f.create(n);
            String what = l.type() + feed.words + " at N=" + n;
            Tensor x = p.draw(BATCH, n, false, rng);
            double v = feed.draw(BATCH, n, rng).forward(l, x);
            if (l.inputSize() != n) {
                out.add(fail(what + ": inputSize() is " + l.inputSize()));
            } else if (!Double.isFinite(v)) {
                out.add(fail(what + ": loss value " + v));
            } else if (l.jacobian(0).rows() != 1 || l.jacobian(0).cols() != n) {
                out.add(fail(what + ": D_p is " + l.jacobian(0).rows() + "×" + l.jacobian(0).cols() + ", expected 1×" + n));
            } else if (l.backward().rows() != BATCH || l.backward().cols() != n) {
                out.add(fail(what + ": backward is " + l.backward().rows() + "×" + l.backward().cols()
                        + ", expected " + BATCH + "×" + n));
            } else {
                out.add(pass(what + ": finite value, D_p 1×" + n));
            }
        }
        return out;
    }

    private List<CheckResult> lossJacobians(Feed feed, LossFactory f, Predictions p, int[] sizes, boolean extreme) {
        List<CheckResult> skipped = feed.skipUnless(f, "D_p");
        if (skipped != null) {
            return skipped;
        }
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom(feed.seed + (extreme ? 200 : 100) + n);
            Tensor x = p.draw(BATCH, n, extreme, rng);
            Drawn t = feed.draw(BATCH, n, rng);
            for (int r = 0; r < BATCH; r++) {
                out.add(t.jacobian(checker, f.create(n), x, r));
            }
        }
        return out;
    }

    private List<CheckResult> lossBackward(Feed feed, LossFactory f, Predictions p, int[] sizes) {
        List<CheckResult> skipped = feed.skipUnless(f, "backward");
        if (skipped != null) {
            return skipped;
        }
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom(feed.seed + 300 + n);
            Loss l = f.create(n);
            Tensor x = p.draw(BATCH, n, false, rng);
            feed.draw(BATCH, n, rng).forward(l, x);
            Tensor g = l.backward().copy();
            double[][] rows = new double[BATCH][];
            for (int b = 0; b < BATCH; b++) {
                rows[b] = l.jacobian(b).toDense()[0];
                out.add(checker.checkVjp(l.type() + " D_p" + feed.words + " at row " + b, l.jacobian(b),
                        new double[] {1.0}));
            }
            out.add(checker.compare(l.type() + " backward vs jacobian rows" + feed.words, g.toArray(), rows, null));
        }
        return out;
    }

    private List<CheckResult> lossBatchEqualsRows(Feed feed, LossFactory f, Predictions p, int[] sizes) {
        List<CheckResult> skipped = feed.skipUnless(f, "batch = single rows");
        if (skipped != null) {
            return skipped;
        }
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom(feed.seed + 400 + n);
            Tensor x = p.draw(BATCH, n, false, rng);
            out.add(feed.draw(BATCH, n, rng).batchEqualsRows(checker, f.create(n), x));
        }
        return out;
    }

    /** Labels −1 and N are rejected with an IllegalArgumentException naming the row and the label. */
    public static List<CheckResult> labelsOutsideRejected(LossFactory f, Predictions p) {
        if (!takes(f, Loss.Targets.CLASSES)) {
            return skipLabels(f, "label range");
        }
        List<CheckResult> out = new ArrayList<>();
        int n = 3;
        Tensor x = p.draw(2, n, false, new SplittableRandom(5));
        for (int bad : new int[] {-1, n}) {
            String what = "label " + bad + " of row 1 with N=" + n;
            try {
                f.create(n).forward(x, new int[] {0, bad});
                out.add(fail(what + ": accepted"));
            } catch (IllegalArgumentException e) {
                String m = String.valueOf(e.getMessage());
                out.add(m.contains("label " + bad) && m.contains("row 1") ? pass(what + " rejected")
                        : fail(what + ": message '" + m + "' does not name 'label " + bad + "' and 'row 1'"));
            } catch (RuntimeException e) {
                out.add(fail(what + ": threw " + e + " instead of an IllegalArgumentException"));
            }
        }
        return out;
    }

    /** Two instances give the same loss on the same batch, for each target kind the loss takes. */
    public static CheckResult lossDeterministic(LossFactory f, Predictions p) {
        SplittableRandom rng = new SplittableRandom(6);
        Tensor x = p.draw(BATCH, 4, false, rng);
        int[] y = labels(BATCH, 4, rng);
        Tensor t = valueTargets(BATCH, 4, rng);
        boolean classes = takes(f, Loss.Targets.CLASSES);
        boolean values = takes(f, Loss.Targets.VALUES);
        if (classes) {
            double a = f.create(4).forward(x, y);
            double b = f.create(4).forward(x, y);
            if (Double.compare(a, b) != 0) {
                return fail("loss forward differs between two instances: " + a + " vs " + b);
            }
        }
        if (values) {
            double a = f.create(4).forward(x, t);
            double b = f.create(4).forward(x, t);
            if (Double.compare(a, b) != 0) {
                return fail("loss forward on value targets differs between two instances: " + a + " vs " + b);
            }
        }
        return pass("loss forward is deterministic" + (values ? classes ? " (class labels and value targets)"
                : " (value targets)" : ""));
    }

    // ---- losses on value targets (api 2.1) ----

    /** Value targets for a batch: {@code rows × n} entries uniform in [−2, 2], drawn apart from the predictions. */
    public static Tensor valueTargets(int rows, int n, SplittableRandom rng) {
        return uniform(rows, n, 2, rng);
    }

    /** On value targets: a finite value, inputSize N, Jacobian 1×N, backward B×N (skipped for a loss on class labels only). */
    public List<CheckResult> lossValueShapes(LossFactory f, Predictions p, int[] sizes) {
        return lossShapes(Feed.VALUES, f, p, sizes);
    }

    /** On value targets: {@code D_p} against central differences at every row, ordinary or extreme predictions. */
    public List<CheckResult> lossValueJacobians(LossFactory f, Predictions p, int[] sizes, boolean extreme) {
        return lossJacobians(Feed.VALUES, f, p, sizes, extreme);
    }

    /** On value targets: backward rows equal the Jacobian rows, and each Jacobian's VJP equals its dense form. */
    public List<CheckResult> lossValueBackward(LossFactory f, Predictions p, int[] sizes) {
        return lossBackward(Feed.VALUES, f, p, sizes);
    }

    /** On value targets: the batch's summed loss and gradient rows equal those of single rows. */
    public List<CheckResult> lossValueBatchEqualsRows(LossFactory f, Predictions p, int[] sizes) {
        return lossBatchEqualsRows(Feed.VALUES, f, p, sizes);
    }

    /**
     * The targets rule (api 2.1): {@code targets()} is not empty; the {@code forward} of each kind the loss does
     * not take throws an {@link UnsupportedOperationException} with exactly the message of
     * {@link Loss#wrongTargets}; and a loss on value targets rejects targets of another shape than the
     * prediction's with an {@link IllegalArgumentException}.
     */
    public static List<CheckResult> lossTargetsRule(LossFactory f, Predictions p) {
        List<CheckResult> out = new ArrayList<>();
        int n = 3;
        SplittableRandom rng = new SplittableRandom(10);
        Tensor x = p.draw(2, n, false, rng);
        Loss l = f.create(n);
        if (l.targets() == null || l.targets().isEmpty()) {
            out.add(fail(l.type() + ": targets() is empty; a loss takes class labels, value targets or both"));
            return out;
        }
        for (Loss.Targets kind : Loss.Targets.values()) {
            if (l.targets().contains(kind)) {
                continue;
            }
            String what = l.type() + " given " + (kind == Loss.Targets.CLASSES ? "class labels" : "value targets");
            String expected = Loss.wrongTargets(l, kind).getMessage();
            try {
                if (kind == Loss.Targets.CLASSES) {
                    f.create(n).forward(x, new int[] {0, 1});
                } else {
                    f.create(n).forward(x, valueTargets(2, n, rng));
                }
                out.add(fail(what + ": accepted, though targets() are " + l.targets()));
            } catch (UnsupportedOperationException e) {
                out.add(expected.equals(e.getMessage()) ? pass(what + " rejected: " + expected)
                        : fail(what + ": message '" + e.getMessage() + "' is not Loss.wrongTargets's '" + expected + "'"));
            } catch (RuntimeException e) {
                out.add(fail(what + ": threw " + e + " instead of Loss.wrongTargets's UnsupportedOperationException"));
            }
        }
        if (l.targets().contains(Loss.Targets.VALUES)) {
            for (Tensor bad : new Tensor[] {valueTargets(1, n, rng), valueTargets(2, n + 1, rng)}) {
                String what = l.type() + " with prediction " + x + " and value targets " + bad;
                try {
                    f.create(n).forward(x, bad);
                    out.add(fail(what + ": accepted"));
                } catch (IllegalArgumentException e) {
                    out.add(pass(what + " rejected"));
                } catch (RuntimeException e) {
                    out.add(fail(what + ": threw " + e + " instead of an IllegalArgumentException"));
                }
            }
        }
        return out;
    }

    /**
     * {@link #allLossChecks} at the default sizes and on each {@link CheckCase} the loss declares (its options,
     * predictions of its input shape's size), the case's name before each of its results.
     */
    public List<CheckResult> lossProvider(LossProvider p, Function<BuildContext, Loss> build, Options defaults,
            int[] sizes, Function<LossFactory, Predictions> predictions) {
        LossFactory flat = n -> build.apply(new BuildContext(n, defaults, 0));
        List<CheckResult> out = new ArrayList<>(allLossChecks(flat, predictions.apply(flat), sizes));
        for (CheckCase c : p.checkCases()) {
            String prefix = "case '" + c.name() + "' (" + c.inputShape() + ", " + c.options() + "): ";
            LossFactory f = caseLossFactory(build, c);
            try {
                for (CheckResult r : allLossChecks(f, predictions.apply(f), new int[] {c.inputShape().size()})) {
                    out.add(r.prefixed(prefix));
                }
            } catch (RuntimeException e) {
                out.add(fail(prefix + "threw " + e));
            }
        }
        return out;
    }

    /** A loss factory for one declared {@link CheckCase}: its options, predictions of its shape's size. */
    public static LossFactory caseLossFactory(Function<BuildContext, Loss> build, CheckCase c) {
        return n -> build.apply(new BuildContext(c.inputShape(), c.options(), 0));
    }

    /**
     * Every loss check above, in order: the targets rule, the checks on class labels if the loss takes them,
     * those on value targets if it takes them (a kind it does not take is the targets rule's business, not a
     * skipped check), determinism.
     */
    public List<CheckResult> allLossChecks(LossFactory f, Predictions p, int[] sizes) {
        List<CheckResult> out = new ArrayList<>(lossTargetsRule(f, p));
        if (takes(f, Loss.Targets.CLASSES)) {
            out.addAll(lossShapes(f, p, sizes));
            out.addAll(lossJacobians(f, p, sizes, false));
            out.addAll(lossJacobians(f, p, sizes, true));
            out.addAll(lossBackward(f, p, sizes));
            out.addAll(lossBatchEqualsRows(f, p, sizes));
            out.addAll(labelsOutsideRejected(f, p));
        }
        if (takes(f, Loss.Targets.VALUES)) {
            out.addAll(lossValueShapes(f, p, sizes));
            out.addAll(lossValueJacobians(f, p, sizes, false));
            out.addAll(lossValueJacobians(f, p, sizes, true));
            out.addAll(lossValueBackward(f, p, sizes));
            out.addAll(lossValueBatchEqualsRows(f, p, sizes));
        }
        out.add(lossDeterministic(f, p));
        return out;
    }
}
