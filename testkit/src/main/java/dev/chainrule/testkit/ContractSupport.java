package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Options;
import dev.chainrule.api.Tensor;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every contract shares: ServiceLoader discovery, option validation, and a running record of the
 * largest relative Jacobian error seen, printed after the class's tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ContractSupport {
    /** Checks use this; override to loosen for a plugin that needs it. */
    protected JacobianChecker checker = new JacobianChecker();
    private CheckResult worst;
    private int checks;

    /** The provider under test. */
    protected abstract ComponentProvider provider();

    /** The service interface it is registered under. */
    protected abstract Class<? extends ComponentProvider> serviceInterface();

    /** Options that build a valid instance. */
    protected Options validOptions() {
        return Options.empty();
    }

    /** Input sizes to try. */
    protected int[] inputSizes() {
        return new int[] {1, 3, 6};
    }

    /** Options that must be rejected, with the key and a fragment of the message. */
    protected List<BadOption> badOptions() {
        return List.of();
    }

    /** Builds through the provider with {@link #validOptions()}. */
    protected BuildContext context(int inputSize, long seed) {
        return new BuildContext(inputSize, validOptions(), seed);
    }

    /** Asserts the check passed and records its relative error for the summary. */
    protected final void record(CheckResult r) {
        checks++;
        worst = CheckResult.worse(worst, r);
        assertTrue(r.passed(), r::describe);
    }

    /** The worst check so far (null before any). */
    protected final CheckResult worst() {
        return worst;
    }

    /** Entries uniform in {@code [−a, a]}. */
    protected static Tensor uniform(int rows, int cols, double a, SplittableRandom rng) {
        return ContractChecks.uniform(rows, cols, a, rng);
    }

    /** Entries {@code ±30 + U(−1, 1)}, random signs: where sigmoid and softmax saturate. */
    protected static Tensor saturated(int rows, int cols, SplittableRandom rng) {
        return ContractChecks.saturated(rows, cols, rng);
    }

    @Test
    void providerIsFoundThroughServiceLoaderUnderItsTypeId() {
        ComponentProvider p = provider();
        List<? extends ComponentProvider> found = ServiceLoader.load(serviceInterface()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(q -> q.type().equals(p.type()))
                .toList();
        assertEquals(1, found.size(), () -> "providers of type '" + p.type() + "' found by ServiceLoader: " + found);
        assertEquals(p.getClass(), found.get(0).getClass());
        assertTrue(p.type().matches("[a-z][a-z0-9]*(-[a-z0-9]+)*"), () -> "type id '" + p.type() + "' is not lower-case-hyphenated");
        assertTrue(!p.description().isBlank(), "description is blank");
    }

    @Test
    void unknownOptionIsRejectedNamingTheKey() {
        CheckResult r = ContractChecks.unknownOptionRejected(this::build, validOptions(),
                ContractChecks.optionShape(provider()));
        assertTrue(r.passed(), r::describe);
    }

    @Test
    void badOptionsAreRejectedWithAClearMessage() {
        // an empty list would pass without checking anything: say so instead
        Assumptions.assumeFalse(badOptions().isEmpty(), () -> provider().type() + " lists no badOptions(): nothing"
                + " to check (a type without options can only get an unknown key, checked separately)");
        for (CheckResult r : ContractChecks.badOptionsRejected(this::build, badOptions(),
                ContractChecks.optionShape(provider()))) {
            assertTrue(r.passed(), r::describe);
        }
    }

    /** Builds an instance through the provider (the result is discarded by option tests). */
    protected abstract Object build(BuildContext context);

    @AfterAll
    void printLargestRelativeError() {
        if (worst != null) {
            System.out.printf(java.util.Locale.ROOT, "[jacobian-check] %s: largest relative error %.3g over %d checks; worst: %s%n",
                    provider().type(), worst.maxRelativeError(), checks, worst.describe());
        }
    }

    static void forEach(int[] sizes, Consumer<Integer> body) {
        for (int n : sizes) {
            body.accept(n);
        }
    }
}
