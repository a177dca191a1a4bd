package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.LossContract;
import java.util.List;

/** Huber with δ = 0.5, so the contract's predictions in [−2, 2] and ±30 against targets in [−2, 2] meet both pieces. */
class HuberContractTest extends LossContract {
    @Override
    protected LossProvider provider() {
        return new HuberProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("delta", 0.5);
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(new BadOption(Options.of("delta", 0), "delta", "0"),
                new BadOption(Options.of("delta", -1.0), "delta", "-1"),
                new BadOption(Options.of("delta", "one"), "delta", "one"));
    }
}
