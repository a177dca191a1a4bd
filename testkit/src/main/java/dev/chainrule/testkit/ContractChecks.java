package dev.chainrule.testkit;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Loss;
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
    public static final int BATCH = 4;

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
            double[] first = f.create(n, 6).forward(x).data().clone();
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

    /** Every stage check above, in order. */
    public List<CheckResult> allStageChecks(StageFactory f, int[] sizes) {
        List<CheckResult> out = new ArrayList<>(stageShapes(f, sizes));
        out.addAll(inputJacobians(f, sizes, false));
        out.addAll(inputJacobians(f, sizes, true));
        out.addAll(parameterJacobians(f, sizes, false));
        out.addAll(parameterJacobians(f, sizes, true));
        out.addAll(backward(f, sizes));
        out.addAll(batchEqualsRows(f, sizes));
        out.addAll(deterministic(f, sizes));
        return out;
    }

    // ---- options ----

    /** An option key the provider does not declare must raise an {@link OptionException} naming it. */
    public static CheckResult unknownOptionRejected(Function<BuildContext, ?> build, Options valid) {
        Map<String, Object> m = new LinkedHashMap<>(valid.asMap());
        m.put("no-such-option", 1);
        String what = "unknown option 'no-such-option'";
        try {
            build.apply(new BuildContext(3, new Options(m), 0));
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
        List<CheckResult> out = new ArrayList<>();
        for (BadOption b : bad) {
            String what = "bad options " + b.options();
            try {
                build.apply(new BuildContext(3, b.options(), 0));
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

    /** A finite value, inputSize N, Jacobian 1×N, backward B×N. */
    public List<CheckResult> lossShapes(LossFactory f, Predictions p, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom(n);
            Loss l = f.create(n);
            String what = l.type() + " at N=" + n;
            double v = l.forward(p.draw(BATCH, n, false, rng), labels(BATCH, n, rng));
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

    /** {@code D_p} against central differences at every row, ordinary or extreme predictions. */
    public List<CheckResult> lossJacobians(LossFactory f, Predictions p, int[] sizes, boolean extreme) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom((extreme ? 200 : 100) + n);
            Tensor x = p.draw(BATCH, n, extreme, rng);
            int[] y = labels(BATCH, n, rng);
            for (int r = 0; r < BATCH; r++) {
                out.add(checker.checkLossJacobian(f.create(n), x, y, r));
            }
        }
        return out;
    }

    /** backward rows equal the Jacobian rows, and each Jacobian's VJP equals its dense form. */
    public List<CheckResult> lossBackward(LossFactory f, Predictions p, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom(300 + n);
            Loss l = f.create(n);
            l.forward(p.draw(BATCH, n, false, rng), labels(BATCH, n, rng));
            Tensor g = l.backward().copy();
            double[][] rows = new double[BATCH][];
            for (int b = 0; b < BATCH; b++) {
                rows[b] = l.jacobian(b).toDense()[0];
                out.add(checker.checkVjp(l.type() + " D_p at row " + b, l.jacobian(b), new double[] {1.0}));
            }
            out.add(checker.compare(l.type() + " backward vs jacobian rows", g.toArray(), rows, null));
        }
        return out;
    }

    /** The batch's summed loss and gradient rows equal those of single rows. */
    public List<CheckResult> lossBatchEqualsRows(LossFactory f, Predictions p, int[] sizes) {
        List<CheckResult> out = new ArrayList<>();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom(400 + n);
            out.add(checker.checkLossBatchEqualsRows(f.create(n), p.draw(BATCH, n, false, rng), labels(BATCH, n, rng)));
        }
        return out;
    }

    /** Labels −1 and N are rejected with an IllegalArgumentException naming the row and the label. */
    public static List<CheckResult> labelsOutsideRejected(LossFactory f, Predictions p) {
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

    /** Two instances give the same loss on the same batch. */
    public static CheckResult lossDeterministic(LossFactory f, Predictions p) {
        SplittableRandom rng = new SplittableRandom(6);
        Tensor x = p.draw(BATCH, 4, false, rng);
        int[] y = labels(BATCH, 4, rng);
        double a = f.create(4).forward(x, y);
        double b = f.create(4).forward(x, y);
        return Double.compare(a, b) == 0 ? pass("loss forward is deterministic")
                : fail("loss forward differs between two instances: " + a + " vs " + b);
    }

    /** Every loss check above, in order. */
    public List<CheckResult> allLossChecks(LossFactory f, Predictions p, int[] sizes) {
        List<CheckResult> out = new ArrayList<>(lossShapes(f, p, sizes));
        out.addAll(lossJacobians(f, p, sizes, false));
        out.addAll(lossJacobians(f, p, sizes, true));
        out.addAll(lossBackward(f, p, sizes));
        out.addAll(lossBatchEqualsRows(f, p, sizes));
        out.addAll(labelsOutsideRejected(f, p));
        out.add(lossDeterministic(f, p));
        return out;
    }
}
