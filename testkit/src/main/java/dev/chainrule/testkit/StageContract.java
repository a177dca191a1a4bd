package dev.chainrule.testkit;

import dev.chainrule.api.CheckCase;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Stage;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

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
                    + "; checked on its declared cases (stageChecks)");
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

    /** One family of checks: its display name and the checks it runs. */
    protected record Family(String name, java.util.function.Supplier<List<CheckResult>> checks) {
    }

    /**
     * The families of checks on stages made by {@code f} at {@code sizes}, in the order they run: the kind's
     * shape rule, shapes, the per-row Jacobians, backward and batch-equals-rows (left out, with one skipped
     * test saying why, for a batch-coupled stage), whole-batch Jacobians in training and inference,
     * reproducibility under the forward context, determinism. {@link LayerContract} adds the parameter
     * Jacobians and the fast path.
     */
    protected List<Family> families(ContractChecks.StageFactory f, int[] sizes) {
        ContractChecks c = checks();
        List<Family> out = new java.util.ArrayList<>();
        out.add(new Family("shapes follow the rule of the kind",
                () -> ContractChecks.kindShapes(provider().kind(), f, sizes)));
        out.add(new Family("output has one row per input row and outputSize() columns", () -> c.stageShapes(f, sizes)));
        Stage probe = f.create(sizes[0], 1);
        if (probe.batchCoupled()) {
            out.add(new Family("per-row checks", () -> List.of(ContractChecks.perRowSkipped(probe))));
        } else {
            out.add(new Family("D_x matches finite differences at random points", () -> c.inputJacobians(f, sizes, false)));
            out.add(new Family("D_x matches finite differences at saturated points", () -> c.inputJacobians(f, sizes, true)));
            out.add(new Family("backward is g times the Jacobian at each row", () -> c.backward(f, sizes)));
            out.add(new Family("a batch of N rows equals N single rows", () -> c.batchEqualsRows(f, sizes)));
        }
        out.add(new Family("whole-batch Jacobians and backward in training", () -> c.batchJacobians(f, sizes, true)));
        out.add(new Family("whole-batch Jacobians and backward in inference", () -> c.batchJacobians(f, sizes, false)));
        out.add(new Family("training is reproducible under the same context and inference never draws",
                () -> c.trainingAndInference(f, sizes)));
        out.add(new Family("forward is deterministic", () -> c.deterministic(f, sizes)));
        return out;
    }

    /**
     * Every check as its own test, so that the report counts what ran: the families of {@link #families} at
     * the default flat sizes (none when the stage refuses flat input and declares check cases), then, for each
     * declared {@code checkCases()} entry, the same families on the case's shape and options.
     */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicNode> stageChecks() {
        List<org.junit.jupiter.api.DynamicNode> out = new java.util.ArrayList<>();
        List<CheckCase> cases = provider().checkCases();
        ContractChecks.StageFactory flat = (n, seed) -> stageFrom(context(n, seed));
        boolean flatOk;
        try {
            flat.create(inputSizes()[0], 1);
            flatOk = true;
        } catch (ShapeException e) {
            if (cases.isEmpty()) {
                throw new AssertionError(provider().type() + " refuses flat input (" + e.getMessage()
                        + ") and declares no checkCases(): nothing would be checked", e);
            }
            flatOk = false;
        }
        if (flatOk) {
            for (Family fam : families(flat, inputSizes())) {
                out.add(org.junit.jupiter.api.DynamicTest.dynamicTest(fam.name(), () -> recordAll(fam.checks().get())));
            }
        }
        for (CheckCase c : cases) {
            String prefix = "case '" + c.name() + "': ";
            ContractChecks.StageFactory f = ContractChecks.caseFactory(this::stageFrom, c);
            List<org.junit.jupiter.api.DynamicNode> tests = new java.util.ArrayList<>();
            for (Family fam : families(f, new int[] {c.inputShape().size()})) {
                tests.add(org.junit.jupiter.api.DynamicTest.dynamicTest(fam.name(),
                        () -> recordAll(fam.checks().get().stream().map(r -> r.prefixed(prefix)).toList())));
            }
            out.add(org.junit.jupiter.api.DynamicContainer.dynamicContainer("case '" + c.name() + "' ("
                    + c.inputShape() + ", " + c.options() + ")", tests));
        }
        return out.stream();
    }
}
