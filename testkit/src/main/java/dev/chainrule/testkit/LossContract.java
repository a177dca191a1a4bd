package dev.chainrule.testkit;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Loss} plugin passes: finite value and a 1×N Jacobian per row, {@code D_p}
 * against finite differences at ordinary and extreme predictions ({@link #predictions}), backward rows equal
 * the Jacobians, batch equals the sum of single rows, labels outside {@code [0, N)} rejected naming the row
 * and label, ServiceLoader discovery, unknown options rejected.
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

    @Test
    void valueIsFiniteAndJacobianIsOneRowOfN() {
        recordAll(checks().lossShapes(this::loss, this::predictions, inputSizes()));
    }

    @Test
    void jacobianMatchesFiniteDifferences() {
        recordAll(checks().lossJacobians(this::loss, this::predictions, inputSizes(), false));
    }

    @Test
    void jacobianMatchesFiniteDifferencesAtExtremePoints() {
        recordAll(checks().lossJacobians(this::loss, this::predictions, inputSizes(), true));
    }

    @Test
    void backwardRowsAreTheJacobians() {
        recordAll(checks().lossBackward(this::loss, this::predictions, inputSizes()));
    }

    @Test
    void aBatchOfNRowsEqualsNSingleRows() {
        recordAll(checks().lossBatchEqualsRows(this::loss, this::predictions, inputSizes()));
    }

    @Test
    void labelsOutsideTheClassesAreRejectedNamingRowAndLabel() {
        recordAll(ContractChecks.labelsOutsideRejected(this::loss, this::predictions));
    }

    @Test
    void forwardIsDeterministic() {
        record(ContractChecks.lossDeterministic(this::loss, this::predictions));
    }
}
