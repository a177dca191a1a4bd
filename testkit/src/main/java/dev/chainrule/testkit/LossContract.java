package dev.chainrule.testkit;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Loss} plugin passes: finite value and a 1×N Jacobian per row, {@code D_p}
 * against finite differences at ordinary and extreme predictions ({@link #predictions}), backward rows equal
 * the Jacobians, batch equals the sum of single rows, labels outside {@code [0, N)} rejected naming the row
 * and label, ServiceLoader discovery, unknown options rejected.
 *
 * <p>Api 2.1: those checks run for each target kind in {@link Loss#targets()} (class labels, and value targets
 * drawn by {@link ContractChecks#valueTargets}); a kind the loss does not take is skipped there, and
 * {@code theTargetsRuleHolds} checks that its {@code forward} fails with {@link Loss#wrongTargets}'s message.
 */
public abstract class LossContract extends ContractSupport {
    /** Rows per test batch. */
    protected static final int BATCH = ContractChecks.BATCH;

    @Override
    protected abstract LossProvider provider();

    @Override
    protected final Class<? extends ComponentProvider> serviceInterface() {
        return LossProvider.class;
    }

    @Override
    protected Object build(BuildContext context) {
        return provider().create(context);
    }

    @Override
    protected int[] inputSizes() {
        return new int[] {2, 3, 10};
    }

    protected Loss loss(int n) {
        return provider().create(context(n, 0));
    }

    /**
     * A batch of predictions where the loss is defined: by default entries in [−2, 2], or ±30 when
     * {@code extreme}. A loss on probabilities overrides this to return rows of a probability vector.
     */
    protected Tensor predictions(int rows, int n, boolean extreme, SplittableRandom rng) {
        return extreme ? saturated(rows, n, rng) : uniform(rows, n, 2, rng);
    }

    private ContractChecks checks() {
        return new ContractChecks(checker);
    }

    private void recordAll(java.util.List<CheckResult> results) {
        results.forEach(this::record);
    }

    private void assumeTakes(Loss.Targets kind) {
        Loss l = loss(3);
        Assumptions.assumeTrue(l.targets().contains(kind), () -> l.type() + " does not take " + kind
                + " (targets() are " + l.targets() + ")");
    }

    @Test
    void valueIsFiniteAndJacobianIsOneRowOfN() {
        assumeTakes(Loss.Targets.CLASSES);
        recordAll(checks().lossShapes(this::loss, this::predictions, inputSizes()));
    }

    @Test
    void jacobianMatchesFiniteDifferences() {
        assumeTakes(Loss.Targets.CLASSES);
        recordAll(checks().lossJacobians(this::loss, this::predictions, inputSizes(), false));
    }

    @Test
    void jacobianMatchesFiniteDifferencesAtExtremePoints() {
        assumeTakes(Loss.Targets.CLASSES);
        recordAll(checks().lossJacobians(this::loss, this::predictions, inputSizes(), true));
    }

    @Test
    void backwardRowsAreTheJacobians() {
        assumeTakes(Loss.Targets.CLASSES);
        recordAll(checks().lossBackward(this::loss, this::predictions, inputSizes()));
    }

    @Test
    void aBatchOfNRowsEqualsNSingleRows() {
        assumeTakes(Loss.Targets.CLASSES);
        recordAll(checks().lossBatchEqualsRows(this::loss, this::predictions, inputSizes()));
    }

    @Test
    void labelsOutsideTheClassesAreRejectedNamingRowAndLabel() {
        assumeTakes(Loss.Targets.CLASSES);
        recordAll(ContractChecks.labelsOutsideRejected(this::loss, this::predictions));
    }

    @Test
    void theTargetsRuleHolds() {
        recordAll(ContractChecks.lossTargetsRule(this::loss, this::predictions));
    }

    @Test
    void onValueTargetsValueIsFiniteAndJacobianIsOneRowOfN() {
        assumeTakes(Loss.Targets.VALUES);
        recordAll(checks().lossValueShapes(this::loss, this::predictions, inputSizes()));
    }

    @Test
    void onValueTargetsJacobianMatchesFiniteDifferences() {
        assumeTakes(Loss.Targets.VALUES);
        recordAll(checks().lossValueJacobians(this::loss, this::predictions, inputSizes(), false));
    }

    @Test
    void onValueTargetsJacobianMatchesFiniteDifferencesAtExtremePoints() {
        assumeTakes(Loss.Targets.VALUES);
        recordAll(checks().lossValueJacobians(this::loss, this::predictions, inputSizes(), true));
    }

    @Test
    void onValueTargetsBackwardRowsAreTheJacobians() {
        assumeTakes(Loss.Targets.VALUES);
        recordAll(checks().lossValueBackward(this::loss, this::predictions, inputSizes()));
    }

    @Test
    void onValueTargetsABatchOfNRowsEqualsNSingleRows() {
        assumeTakes(Loss.Targets.VALUES);
        recordAll(checks().lossValueBatchEqualsRows(this::loss, this::predictions, inputSizes()));
    }

    /**
     * Each {@code checkCases()} entry the loss declares (its options, predictions of its input shape's size),
     * every loss check on it as its own test, as {@code verify-plugin} runs them
     * ({@link ContractChecks#lossProvider}).
     */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicNode> declaredCheckCases() {
        java.util.List<org.junit.jupiter.api.DynamicNode> out = new java.util.ArrayList<>();
        for (dev.chainrule.api.CheckCase c : provider().checkCases()) {
            ContractChecks.LossFactory f = ContractChecks.caseLossFactory(ctx -> provider().create(ctx), c);
            ContractChecks.Predictions p = this::predictions;
            int[] sizes = {c.inputShape().size()};
            String prefix = "case '" + c.name() + "': ";
            java.util.List<org.junit.jupiter.api.DynamicNode> tests = new java.util.ArrayList<>();
            java.util.Map<String, java.util.function.Supplier<java.util.List<CheckResult>>> families = new java.util.LinkedHashMap<>();
            families.put("the targets rule holds", () -> ContractChecks.lossTargetsRule(f, p));
            Loss probe = f.create(sizes[0]);
            if (probe.targets().contains(Loss.Targets.CLASSES)) {
                families.put("value is finite and the Jacobian is one row of N", () -> checks().lossShapes(f, p, sizes));
                families.put("D_p matches finite differences", () -> checks().lossJacobians(f, p, sizes, false));
                families.put("D_p matches finite differences at extreme points", () -> checks().lossJacobians(f, p, sizes, true));
                families.put("backward rows are the Jacobians", () -> checks().lossBackward(f, p, sizes));
                families.put("a batch of N rows equals N single rows", () -> checks().lossBatchEqualsRows(f, p, sizes));
                families.put("labels outside the classes are rejected", () -> ContractChecks.labelsOutsideRejected(f, p));
            }
            if (probe.targets().contains(Loss.Targets.VALUES)) {
                families.put("on value targets: value is finite and the Jacobian is one row of N",
                        () -> checks().lossValueShapes(f, p, sizes));
                families.put("on value targets: D_p matches finite differences", () -> checks().lossValueJacobians(f, p, sizes, false));
                families.put("on value targets: D_p matches finite differences at extreme points",
                        () -> checks().lossValueJacobians(f, p, sizes, true));
                families.put("on value targets: backward rows are the Jacobians", () -> checks().lossValueBackward(f, p, sizes));
                families.put("on value targets: a batch of N rows equals N single rows",
                        () -> checks().lossValueBatchEqualsRows(f, p, sizes));
            }
            families.put("forward is deterministic", () -> java.util.List.of(ContractChecks.lossDeterministic(f, p)));
            families.forEach((name, checks) -> tests.add(org.junit.jupiter.api.DynamicTest.dynamicTest(name,
                    () -> recordAll(checks.get().stream().map(r -> r.prefixed(prefix)).toList()))));
            out.add(org.junit.jupiter.api.DynamicContainer.dynamicContainer("case '" + c.name() + "' ("
                    + c.inputShape() + ", " + c.options() + ")", tests));
        }
        return out.stream();
    }

    @Test
    void forwardIsDeterministic() {
        record(ContractChecks.lossDeterministic(this::loss, this::predictions));
    }
}
