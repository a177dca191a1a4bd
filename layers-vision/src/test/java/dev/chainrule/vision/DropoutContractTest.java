package dev.chainrule.vision;

import dev.chainrule.api.Options;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.TransformContract;
import java.util.List;

/** The testkit's transform contract; the mask itself is checked in {@link DropoutTrainingTest}. */
class DropoutContractTest extends TransformContract {
    @Override
    protected TransformProvider provider() {
        return new DropoutProvider();
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
