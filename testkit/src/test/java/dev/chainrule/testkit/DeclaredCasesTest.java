package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.CheckCase;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DenseJacobian;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;

/**
 * Issue 25: a loss's declared {@code checkCases()} are checked too (by its contract and by verify-plugin's
 * {@link ContractChecks#lossProvider}), each check is its own test, and {@link CheckCase#of}'s batch is the
 * 4 rows the shared checks use.
 */
class DeclaredCasesTest {
    static final OptionSpec SCALE = OptionSpec.number("scale", "the factor s").withDefault(1.0);

    /** ℓ = s·Σ (p_i − e_y,i)²; the slip: its Jacobian (and backward) forget s, right only at the default s = 1. */
    static final class Scaled implements LossProvider {
        public String type() {
            return "scaled-square";
        }

        public String description() {
            return "s·Σ (p − e_y)²";
        }

        public List<OptionSpec> options() {
            return List.of(SCALE);
        }

        public List<CheckCase> checkCases() {
            return List.of(CheckCase.of("s = 3", Shape.of(4), Options.of("scale", 3.0)));
        }

        public Loss create(BuildContext c) {
            c.options().requireKnown(options());
            double s = SCALE.numberValue(c.options());
            int n = c.inputSize();
            return new Loss() {
                double[][] d;

                public String type() {
                    return "scaled-square";
                }

                public int inputSize() {
                    return n;
                }

                public double forward(Tensor p, int[] labels) {
                    d = new double[p.rows()][n];
                    double sum = 0;
                    for (int b = 0; b < p.rows(); b++) {
                        if (labels[b] < 0 || labels[b] >= n) {
                            throw new IllegalArgumentException("row " + b + ": label " + labels[b] + " is outside [0, " + n + ")");
                        }
                        for (int i = 0; i < n; i++) {
                            d[b][i] = p.get(b, i) - (i == labels[b] ? 1 : 0);
                            sum += s * d[b][i] * d[b][i];
                        }
                    }
                    return sum;
                }

                public Jacobian jacobian(int row) {
                    double[] g = new double[n];
                    for (int i = 0; i < n; i++) {
                        g[i] = 2 * d[row][i]; // forgets s
                    }
                    return DenseJacobian.of(new double[][] {g}, "2(p − e_y)ᵀ");
                }

                public Tensor backward() {
                    Tensor t = new Tensor(d.length, n);
                    for (int b = 0; b < d.length; b++) {
                        for (int i = 0; i < n; i++) {
                            t.set(b, i, 2 * d[b][i]);
                        }
                    }
                    return t;
                }
            };
        }
    }

    static final class ScaledContract extends LossContract {
        @Override
        protected LossProvider provider() {
            return new Scaled();
        }
    }

    @Test
    void aLossCaseIsCheckedAndItsSlipFoundByTheContractAndByVerifyPlugin() {
        List<DynamicTest> tests = new ArrayList<>();
        List<DynamicNode> nodes = new ScaledContract().declaredCheckCases().toList();
        assertEquals(1, nodes.size());
        DynamicContainer c = (DynamicContainer) nodes.get(0);
        assertTrue(c.getDisplayName().startsWith("case 's = 3'"), c.getDisplayName());
        c.getChildren().forEach(n -> tests.add((DynamicTest) n));
        List<String> failed = new ArrayList<>();
        for (DynamicTest t : tests) {
            try {
                t.getExecutable().execute();
            } catch (Throwable e) {
                failed.add(t.getDisplayName());
            }
        }
        assertTrue(failed.contains("D_p matches finite differences"), failed.toString());
        assertFalse(failed.contains("forward is deterministic"), failed.toString());

        Scaled p = new Scaled();
        List<CheckResult> all = new ContractChecks(new JacobianChecker()).lossProvider(p, p::create, Options.empty(),
                new int[] {2, 3}, f -> ContractChecks.UNCONSTRAINED);
        assertTrue(all.stream().filter(r -> !r.passed()).allMatch(r -> r.what().startsWith("case 's = 3'")), all.toString());
        assertTrue(all.stream().anyMatch(r -> !r.passed()), "the case's slip is found");
    }

    @Test
    void aCheckCasesDefaultBatchIsTheSharedChecksFourRows() {
        assertEquals(ContractChecks.BATCH, CheckCase.of("x", Shape.of(2), Options.empty()).batch());
        assertEquals(4, ContractChecks.BATCH);
    }

    @Test
    void aStageContractReportsEachCheckAsItsOwnTest() {
        StageContract c = new LayerContract() {
            @Override
            protected dev.chainrule.api.LayerProvider provider() {
                return new dev.chainrule.api.LayerProvider() {
                    public String type() {
                        return "affine";
                    }

                    public String description() {
                        return "w ∘ x + b";
                    }

                    public dev.chainrule.api.Layer create(BuildContext ctx) {
                        return new ContractChecksTest.Affine(ctx.inputSize(), ctx.seed(), true, true);
                    }
                };
            }
        };
        List<DynamicNode> nodes = c.stageChecks().toList();
        assertTrue(nodes.size() >= 10, nodes.size() + " tests");
        assertTrue(nodes.stream().anyMatch(n -> n.getDisplayName().equals("InPlaceUpdate equals backward then the linear step")));
        for (DynamicNode n : nodes) {
            if (n instanceof DynamicTest t) {
                assertDoesNotThrowOrAbort(t);
            }
        }
    }

    private static void assertDoesNotThrowOrAbort(DynamicTest t) {
        try {
            t.getExecutable().execute();
        } catch (Throwable e) {
            throw new AssertionError(t.getDisplayName() + ": " + e, e);
        }
    }
}
