package dev.chainrule.testkit;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Transform;
import dev.chainrule.api.TransformProvider;

/**
 * The contract every {@link Transform} plugin passes (pooling, flatten, dropout, normalization): the stage
 * checks of {@link StageContract}, on the default flat sizes and on the provider's declared
 * {@code checkCases()}. A transform that takes only shaped input (C×H×W) declares check cases; the tests on
 * flat sizes are then skipped with the reason (its {@code ShapeException}).
 */
public abstract class TransformContract extends StageContract {

    @Override
    protected abstract TransformProvider provider();

    @Override
    protected final Class<? extends ComponentProvider> serviceInterface() {
        return TransformProvider.class;
    }

    @Override
    protected Stage stageFrom(BuildContext context) {
        return provider().create(context);
    }
}
