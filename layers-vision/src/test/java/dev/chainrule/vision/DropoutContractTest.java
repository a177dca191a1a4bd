package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Options;
import dev.chainrule.api.Stage;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.StageContract;
import java.util.List;

/** The shared stage contract (inference: the identity); training is {@link DropoutTrainingTest}. */
class DropoutContractTest extends StageContract {
    @Override
    protected TransformProvider provider() {
        return new DropoutProvider();
    }

    @Override
    protected Class<? extends ComponentProvider> serviceInterface() {
        return TransformProvider.class;
    }

    @Override
    protected Stage stageFrom(BuildContext context) {
        return provider().create(context);
    }

    @Override
    protected Options validOptions() {
        return Options.of("rate", 0.25);
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(
                new BadOption(Options.of("rate", 1.0), "rate", "got 1"),
                new BadOption(Options.of("rate", 1.5), "rate", "in [0, 1)"),
                new BadOption(Options.of("rate", -0.1), "rate", "got -0.1"),
                new BadOption(Options.of("rate", "half"), "rate", "got 'half'"));
    }
}
