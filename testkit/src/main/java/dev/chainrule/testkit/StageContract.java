package dev.chainrule.testkit;

import dev.chainrule.api.CheckCase;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Stage;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The tests every stage kind shares; see {@link LayerContract}, {@link ActivationContract} and
 * {@link TransformContract}. Each
 * test runs one family of {@link ContractChecks} (the same checks {@code runner verify-plugin} runs) and
 * asserts every result.
 */
public abstract class StageContract extends ContractSupport {
    /** Rows per test batch. */
    protected static final int BATCH = ContractChecks.BATCH;

    /** A new stage for rows of {@code inputSize}, options {@link #validOptions()}. */
    protected Stage stage(int inputSize, long seed) {
        try {
            return stageFrom(context(inputSize, seed));
        } catch (ShapeException e) {
            if (provider().checkCases().isEmpty()) {
                throw new AssertionError(provider().type() + " refuses flat input (" + e.getMessage()
                        + ") and declares no checkCases(): nothing would be checked", e);
            }
            Assumptions.abort(provider().type() + " at flat size " + inputSize + ": " + e.getMessage()
                    + "; see declaredCheckCasesPass");
            throw e;
        }
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

    /**
     * Asserts every result; when all of them were skipped the test is reported as skipped with the reason,
     * never as a pass.
     */
    protected final void recordAll(List<CheckResult> results) {
        results.forEach(this::record);
        if (!results.isEmpty() && results.stream().allMatch(CheckResult::skipped)) {
            Assumptions.abort(results.get(0).what());
        }
    }

    /** Whether this stage's rows interact; its per-row tests are then skipped with the reason. */
    private void assumeRowsIndependent() {
        Stage s = stage(inputSizes()[0], 1);
        Assumptions.assumeFalse(s.batchCoupled(), () -> ContractChecks.perRowSkipped(s).what());
    }

    @Test
    void shapesFollowTheRuleOfTheKind() {
        recordAll(ContractChecks.kindShapes(provider().kind(), this::stage, inputSizes()));
    }

    @Test
    void wholeBatchJacobiansAndBackwardInTraining() {
        recordAll(checks().batchJacobians(this::stage, inputSizes(), true));
    }

    @Test
    void wholeBatchJacobiansAndBackwardInInference() {
        recordAll(checks().batchJacobians(this::stage, inputSizes(), false));
    }

    @Test
    void trainingIsReproducibleUnderTheSameContextAndInferenceNeverDraws() {
        recordAll(checks().trainingAndInference(this::stage, inputSizes()));
    }

    @Test
    void declaredCheckCasesPass() {
        Assumptions.assumeFalse(provider().checkCases().isEmpty(), () -> provider().type()
                + " declares no checkCases(); the defaults above are all that is checked");
        for (CheckCase c : provider().checkCases()) {
            recordAll(checks().allStageChecks(provider().kind(), ContractChecks.caseFactory(this::stageFrom, c),
                    new int[] {c.inputShape().size()}).stream().map(r -> r.prefixed("case '" + c.name() + "': ")).toList());
        }
    }

    @Test
    void outputHasOneRowPerInputRowAndOutputSizeColumns() {
        recordAll(checks().stageShapes(this::stage, inputSizes()));
    }

    @Test
    void inputJacobianMatchesFiniteDifferencesAtRandomPoints() {
        assumeRowsIndependent();
        recordAll(checks().inputJacobians(this::stage, inputSizes(), false));
    }

    @Test
    void inputJacobianMatchesFiniteDifferencesAtSaturatedPoints() {
        assumeRowsIndependent();
        recordAll(checks().inputJacobians(this::stage, inputSizes(), true));
    }

    @Test
    void backwardIsTheRowTimesTheJacobianAtEachRow() {
        assumeRowsIndependent();
        recordAll(checks().backward(this::stage, inputSizes()));
    }

    @Test
    void aBatchOfNRowsEqualsNSingleRows() {
        assumeRowsIndependent();
        recordAll(checks().batchEqualsRows(this::stage, inputSizes()));
    }

    @Test
    void forwardIsDeterministic() {
        recordAll(checks().deterministic(this::stage, inputSizes()));
    }
}
