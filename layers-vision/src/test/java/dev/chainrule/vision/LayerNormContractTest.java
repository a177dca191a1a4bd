package dev.chainrule.vision;

import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.LayerContract;
import java.util.List;

class LayerNormContractTest extends LayerContract {
    @Override
    protected LayerProvider provider() {
        return new LayerNormProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("epsilon", 1e-3);
    }

    @Override
    protected int[] inputSizes() {
        return new int[] {1, 3, 6, 11};
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(
                new BadOption(Options.of("epsilon", 0), "epsilon", "got 0"),
                new BadOption(Options.of("epsilon", 2), "epsilon", "in (0, 1]"),
                new BadOption(Options.of("momentum", 0.1), "momentum", "unknown"));
    }
}
