package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.InPlaceUpdate;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.support.DenseJacobian;
import dev.chainrule.api.support.DiagonalJacobian;
import dev.chainrule.api.support.IdentityJacobian;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The new checks catch the bugs they exist for, and pass the same stages without the bug. */
class ContractChecksTest {
    static final int[] SIZES = {1, 3};
    final ContractChecks checks = new ContractChecks(new JacobianChecker());

    /** {@code y = w ∘ x + b}; the flags plant the bugs of issue 10. */
    static final class Affine implements Layer, InPlaceUpdate {
        final int n;
        final Parameter w;
        final Parameter b;
        final boolean gradBias;
        final boolean stepBias;
        double[] x;
        int rows;

        Affine(int n, long seed, boolean gradBias, boolean stepBias) {
            this.n = n;
            this.gradBias = gradBias;
            this.stepBias = stepBias;
            w = Parameter.vector("w", n);
            b = Parameter.vector("b", n);
            Random r = new Random(seed);
            for (int i = 0; i < n; i++) {
                w.set(i, 1 + r.nextGaussian() * 0.5);
                b.set(i, r.nextGaussian() * 0.1);
            }
        }

        public String type() {
            return "affine";
        }

        public int inputSize() {
            return n;
        }

        public int outputSize() {
            return n;
        }

        public List<Parameter> parameters() {
            return List.of(w, b);
        }

        public Tensor forward(Tensor in, ForwardContext ctx) {
            x = in.data().clone();
            rows = in.rows();
            Tensor y = new Tensor(rows, n);
            for (int k = 0; k < x.length; k++) {
                y.data()[k] = w.get(k % n) * x[k] + b.get(k % n);
            }
            return y;
        }

        public Jacobian jacobian(int row) {
            return new DiagonalJacobian(w.value().clone(), "diag(w)");
        }

        public Jacobian parameterJacobian(int index, int row) {
            return index == 1 ? new IdentityJacobian(n)
                    : new DiagonalJacobian(java.util.Arrays.copyOfRange(x, row * n, row * n + n), "diag(x)");
        }

        private Tensor input(Tensor g) {
            Tensor gx = new Tensor(rows, n);
            for (int k = 0; k < x.length; k++) {
                gx.data()[k] = g.data()[k] * w.get(k % n);
            }
            return gx;
        }

        public Tensor backward(Tensor g, boolean propagate) {
            Tensor gx = input(g);
            for (int k = 0; k < x.length; k++) {
                w.grad()[k % n] += g.data()[k] * x[k];
                if (gradBias) {
                    b.grad()[k % n] += g.data()[k];
                }
            }
            return gx;
        }

        public Tensor backwardAndUpdate(Tensor g, boolean propagate, double scale) {
            Tensor gx = input(g);
            for (int k = 0; k < x.length; k++) {
                w.value()[k % n] -= scale * g.data()[k] * x[k];
                if (stepBias) {
                    b.value()[k % n] -= scale * g.data()[k];
                }
            }
            return gx;
        }
    }

    /** Subtracts the batch mean in training; {@code honest = false} leaves the −1/B out of its Jacobians. */
    static final class Center implements Transform {
        final int n;
        final boolean honest;
        int rows;
        boolean training;

        Center(int n, boolean honest) {
            this.n = n;
            this.honest = honest;
        }

        public String type() {
            return "center";
        }

        public int inputSize() {
            return n;
        }

        public int outputSize() {
            return n;
        }

        public boolean batchCoupled() {
            return true;
        }

        public Tensor forward(Tensor x, ForwardContext ctx) {
            rows = x.rows();
            training = ctx.training();
            Tensor y = x.copy();
            if (training) {
                for (int k = 0; k < n; k++) {
                    double m = 0;
                    for (int r = 0; r < rows; r++) {
                        m += x.get(r, k) / rows;
                    }
                    for (int r = 0; r < rows; r++) {
                        y.set(r, k, x.get(r, k) - m);
                    }
                }
            }
            return y;
        }

        public Jacobian jacobian(int row) {
            return new IdentityJacobian(n);
        }

        public Jacobian batchJacobian(int batch) {
            int s = batch * n;
            double[] a = new double[s * s];
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    a[i * s + j] = (i == j ? 1 : 0) - (training && honest && i % n == j % n ? 1.0 / batch : 0);
                }
            }
            return DenseJacobian.rowMajor(s, s, a, "I − 1/B");
        }

        public Tensor backward(Tensor g, boolean propagate) {
            Tensor gx = g.copy();
            if (training && honest) {
                for (int k = 0; k < n; k++) {
                    double m = 0;
                    for (int r = 0; r < rows; r++) {
                        m += g.get(r, k) / rows;
                    }
                    for (int r = 0; r < rows; r++) {
                        gx.set(r, k, g.get(r, k) - m);
                    }
                }
            }
            return gx;
        }
    }

    /** Dropout-like noise from a Random of its own: not reproducible under the same context. */
    static final class OwnRandom implements Transform {
        final int n;
        final Random random = new Random();

        OwnRandom(int n) {
            this.n = n;
        }

        public String type() {
            return "own-random";
        }

        public int inputSize() {
            return n;
        }

        public int outputSize() {
            return n;
        }

        public Tensor forward(Tensor x, ForwardContext ctx) {
            Tensor y = x.copy();
            if (ctx.training()) {
                for (int k = 0; k < y.data().length; k++) {
                    y.data()[k] += random.nextGaussian();
                }
            }
            return y;
        }

        public Jacobian jacobian(int row) {
            return new IdentityJacobian(n);
        }

        public Tensor backward(Tensor g, boolean propagate) {
            return g.copy();
        }
    }

    static boolean failsWith(List<CheckResult> results, String fragment) {
        return results.stream().anyMatch(r -> !r.passed() && r.describe().contains(fragment));
    }

    @Test
    void aBackwardThatDropsTheBiasGradientFailsNamingTheParameter() {
        List<CheckResult> bad = checks.allStageChecks(ComponentProvider.Kind.LAYER, (n, s) -> new Affine(n, s, false, true), SIZES);
        assertTrue(failsWith(bad, "affine backward: gradient of parameter b"), bad.toString());
        List<CheckResult> good = checks.allStageChecks(ComponentProvider.Kind.LAYER, (n, s) -> new Affine(n, s, true, true), SIZES);
        assertTrue(good.stream().allMatch(CheckResult::passed), good.stream().filter(r -> !r.passed()).toList().toString());
    }

    @Test
    void aFusedStepThatForgetsTheBiasFailsNamingTheParameter() {
        List<CheckResult> bad = checks.inPlaceUpdate((n, s) -> new Affine(n, s, true, false), SIZES);
        assertTrue(failsWith(bad, "step of parameter b"), bad.toString());
        assertTrue(checks.inPlaceUpdate((n, s) -> new Affine(n, s, true, true), SIZES).stream().allMatch(CheckResult::passed));
    }

    @Test
    void aBatchCoupledStageIsCheckedOnTheWholeBatchAndItsPerRowChecksAreSkipped() {
        List<CheckResult> good = checks.allStageChecks(ComponentProvider.Kind.TRANSFORM, (n, s) -> new Center(n, true), SIZES);
        assertTrue(good.stream().allMatch(CheckResult::passed), good.stream().filter(r -> !r.passed()).toList().toString());
        assertTrue(good.stream().anyMatch(r -> r.skipped() && r.describe().startsWith("SKIP center per-row checks")));
        List<CheckResult> bad = checks.allStageChecks(ComponentProvider.Kind.TRANSFORM, (n, s) -> new Center(n, false), SIZES);
        assertTrue(failsWith(bad, "center whole batch (4 rows, training) D_x"), bad.toString());
    }

    @Test
    void aStageWithARandomOfItsOwnIsNotReproducibleUnderTheSameContext() {
        List<CheckResult> r = checks.trainingAndInference((n, s) -> new OwnRandom(n), SIZES);
        assertTrue(failsWith(r, "same seed, input and training ForwardContext, different output"), r.toString());
    }
}
