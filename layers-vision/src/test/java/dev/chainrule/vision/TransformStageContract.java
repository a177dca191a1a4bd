package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Stage;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.StageContract;

/** The stage contract for {@link TransformProvider}s (the testkit has layer and activation contracts only). */
abstract class TransformStageContract extends StageContract {
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
