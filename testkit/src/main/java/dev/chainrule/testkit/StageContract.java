package dev.chainrule.testkit;

import dev.chainrule.api.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tests layers and activations share; see {@link LayerContract} and {@link ActivationContract}. Each
 * test runs one family of {@link ContractChecks} (the same checks {@code runner verify-plugin} runs) and
 * asserts every result.
 */
public abstract class StageContract extends ContractSupport {
    /** Rows per test batch. */
    protected static final int BATCH = ContractChecks.BATCH;

    /** A new stage for rows of {@code inputSize}, options {@link #validOptions()}. */
    protected Stage stage(int inputSize, long seed) {
        return stageFrom(context(inputSize, seed));
    }

    @Override
    protected Object build(dev.chainrule.api.BuildContext context) {
        return stageFrom(context);
    }

    /** Builds through the provider. */
    protected abstract Stage stageFrom(dev.chainrule.api.BuildContext context);

    /** The checks, with this contract's {@link #checker}. */
    protected final ContractChecks checks() {
        return new ContractChecks(checker);
    }

    protected final void recordAll(List<CheckResult> results) {
        results.forEach(this::record);
    }

    @Test
    void outputHasOneRowPerInputRowAndOutputSizeColumns() {
        recordAll(checks().stageShapes(this::stage, inputSizes()));
    }

    @Test
    void inputJacobianMatchesFiniteDifferencesAtRandomPoints() {
        recordAll(checks().inputJacobians(this::stage, inputSizes(), false));
    }

    @Test
    void inputJacobianMatchesFiniteDifferencesAtSaturatedPoints() {
        recordAll(checks().inputJacobians(this::stage, inputSizes(), true));
    }

    @Test
    void backwardIsTheRowTimesTheJacobianAtEachRow() {
        recordAll(checks().backward(this::stage, inputSizes()));
    }

    @Test
    void aBatchOfNRowsEqualsNSingleRows() {
        recordAll(checks().batchEqualsRows(this::stage, inputSizes()));
    }

    @Test
    void forwardIsDeterministic() {
        recordAll(checks().deterministic(this::stage, inputSizes()));
    }
}
