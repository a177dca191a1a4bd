package dev.chainrule.examples.swish;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.LossContract;
import java.util.List;

class LabelSmoothingCrossEntropyContractTest extends LossContract {
    @Override
    protected LossProvider provider() {
        return new LabelSmoothingCrossEntropyProvider();
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(new BadOption(Options.of("smoothing", 0.7), "smoothing", "got 0.7"));
    }
}
