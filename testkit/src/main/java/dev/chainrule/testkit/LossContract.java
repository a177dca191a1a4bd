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

    @Test
    void forwardIsDeterministic() {
        record(ContractChecks.lossDeterministic(this::loss, this::predictions));
    }
}
