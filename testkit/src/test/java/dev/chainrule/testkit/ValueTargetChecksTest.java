package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DenseJacobian;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The api-2.1 loss checks: they pass a correct loss on value targets and catch the bugs they exist for. */
class ValueTargetChecksTest {
    static final int[] SIZES = {1, 3};
    final ContractChecks checks = new ContractChecks(new JacobianChecker());

    /** {@code ℓ = Σ_i (p_i − y_i)²} on value targets only; the flags plant bugs. */
    static class SquaredError implements Loss {
        final int n;
        final boolean halfGradient;
        final boolean lastRowOnly;
        final boolean ownMessage;
        Tensor gradient;

        SquaredError(int n, boolean halfGradient, boolean lastRowOnly, boolean ownMessage) {
            this.n = n;
            this.halfGradient = halfGradient;
            this.lastRowOnly = lastRowOnly;
            this.ownMessage = ownMessage;
        }

        public String type() {
            return "squared-error";
        }

        public int inputSize() {
            return n;
        }

        public Set<Targets> targets() {
            return Set.of(Targets.VALUES);
        }

        public double forward(Tensor prediction, int[] labels) {
            throw ownMessage ? new UnsupportedOperationException("no labels here") : Loss.wrongTargets(this, Targets.CLASSES);
        }

        public double forward(Tensor p, Tensor y) {
            if (p.rows() != y.rows() || p.cols() != n || y.cols() != n) {
                throw new IllegalArgumentException("shapes " + p + " and " + y);
            }
            gradient = new Tensor(p.rows(), n);
            double sum = 0;
            for (int r = lastRowOnly ? p.rows() - 1 : 0; r < p.rows(); r++) {
                for (int i = 0; i < n; i++) {
                    double d = p.get(r, i) - y.get(r, i);
                    sum += d * d;
                    gradient.set(r, i, (halfGradient ? 1 : 2) * d);
                }
            }
            return sum;
        }

        public Jacobian jacobian(int row) {
            return DenseJacobian.rowMajor(1, n, gradient.rowCopy(row), "2(p − y)ᵀ");
        }

        public Tensor backward() {
            return gradient;
        }
    }

    static boolean allPassed(List<CheckResult> rs) {
        return rs.stream().allMatch(CheckResult::passed);
    }

    @Test
    void aCorrectValueOnlyLossPassesEveryCheckAndItsLabelChecksAreSkipped() {
        ContractChecks.LossFactory f = n -> new SquaredError(n, false, false, false);
        List<CheckResult> all = checks.allLossChecks(f, ContractChecks.UNCONSTRAINED, SIZES);
        assertTrue(allPassed(all), () -> all.stream().filter(r -> !r.passed()).map(CheckResult::describe).toList().toString());
        assertTrue(all.stream().noneMatch(CheckResult::skipped), "allLossChecks runs only the kinds the loss takes");
        assertTrue(all.stream().anyMatch(r -> r.describe().contains("given class labels rejected")));
        assertTrue(checks.lossShapes(f, ContractChecks.UNCONSTRAINED, SIZES).get(0).skipped());
    }

    @Test
    void aWrongGradientFailsTheJacobianCheckOnValueTargets() {
        ContractChecks.LossFactory f = n -> new SquaredError(n, true, false, false);
        assertFalse(allPassed(checks.lossValueJacobians(f, ContractChecks.UNCONSTRAINED, SIZES, false)));
    }

    @Test
    void aBatchThatDropsRowsFailsBatchEqualsSingleRows() {
        ContractChecks.LossFactory f = n -> new SquaredError(n, false, true, false);
        List<CheckResult> rs = checks.lossValueBatchEqualsRows(f, ContractChecks.UNCONSTRAINED, SIZES);
        assertFalse(allPassed(rs));
        assertTrue(rs.get(0).describe().contains("value targets"), rs.get(0)::describe);
    }

    @Test
    void aHomeMadeMessageForTheWrongKindFailsTheTargetsRule() {
        List<CheckResult> rs = ContractChecks.lossTargetsRule(n -> new SquaredError(n, false, false, true),
                ContractChecks.UNCONSTRAINED);
        assertFalse(allPassed(rs));
        assertTrue(rs.get(0).describe().contains("is not Loss.wrongTargets's 'loss 'squared-error' takes value targets,"
                + " not class labels'"), rs.get(0)::describe);
    }

    /** An api-2.0 loss (class labels only) gets the default forward on values: one clear message. */
    @Test
    void aClassLossGivenValuesFailsWithOneClearMessage() {
        Loss classes = new Loss() {
            public String type() {
                return "zero-one";
            }

            public int inputSize() {
                return 2;
            }

            public double forward(Tensor prediction, int[] labels) {
                return 0;
            }

            public Jacobian jacobian(int row) {
                return null;
            }

            public Tensor backward() {
                return null;
            }
        };
        assertEquals(Set.of(Loss.Targets.CLASSES), classes.targets());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> classes.forward(Tensor.row(1, 2), Tensor.row(0, 4)));
        assertEquals("loss 'zero-one' takes class labels, not value targets", e.getMessage());
        assertTrue(allPassed(ContractChecks.lossTargetsRule(n -> classes, ContractChecks.UNCONSTRAINED)));
        // and a value-only loss given class labels: the same sentence the other way round
        UnsupportedOperationException v = assertThrows(UnsupportedOperationException.class,
                () -> new SquaredError(2, false, false, false).forward(Tensor.row(1, 2), new int[] {0}));
        assertEquals("loss 'squared-error' takes value targets, not class labels", v.getMessage());
    }

    @Test
    void valueTargetsOfAnotherShapeMustBeRejected() {
        ContractChecks.LossFactory lenient = n -> new SquaredError(n, false, false, false) {
            @Override
            public double forward(Tensor p, Tensor y) {
                return 0;
            }
        };
        assertFalse(allPassed(ContractChecks.lossTargetsRule(lenient, ContractChecks.UNCONSTRAINED)));
    }
}
