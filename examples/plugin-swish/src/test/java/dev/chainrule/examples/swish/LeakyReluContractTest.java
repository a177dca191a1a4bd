package dev.chainrule.examples.swish;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.ActivationContract;
import dev.chainrule.testkit.BadOption;
import java.util.List;

class LeakyReluContractTest extends ActivationContract {
    @Override
    protected ActivationProvider provider() {
        return new LeakyReluProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("alpha", 0.2);
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(new BadOption(Options.of("alpha", -0.1), "alpha", "got -0.1"),
                new BadOption(Options.of("alpha", "small"), "alpha", "got 'small'"));
    }
}
