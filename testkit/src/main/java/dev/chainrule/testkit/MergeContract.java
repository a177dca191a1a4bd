package dev.chainrule.testkit;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.MergeProvider;
import dev.chainrule.api.Options;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link dev.chainrule.api.Merge} plugin passes (api 3.1): on two flat inputs, two 2×3×3
 * inputs and each of the provider's {@code checkInputs()}, the stage contract on the packed input
 * {@code [x_1 | … | x_k]}, each input's Jacobian block against central differences and backward against
 * {@code g·∂y/∂x_k}; the shapes of {@code refusedInputs()} refused. The same checks as
 * {@code runner verify-plugin} ({@link ContractChecks#mergeProvider}).
 */
public abstract class MergeContract extends ContractSupport {

    @Override
    protected abstract MergeProvider provider();

    @Override
    protected final Class<? extends ComponentProvider> serviceInterface() {
        return MergeProvider.class;
    }

    @Override
    protected Object build(BuildContext context) {
        return provider().create(context.inputShapes().size() > 1 ? context
                : BuildContext.merge(context.type(), java.util.List.of(context.inputShape(), context.inputShape()),
                        context.options(), context.seed()));
    }

    /** The options every check builds with; none by default. */
    protected Options mergeOptions() {
        return validOptions();
    }

    @Test
    void everyInputsJacobianAndBackwardMatchAndBadShapesAreRefused() {
        new ContractChecks(checker).mergeProvider(provider(), provider()::create, mergeOptions()).forEach(this::record);
    }
}
