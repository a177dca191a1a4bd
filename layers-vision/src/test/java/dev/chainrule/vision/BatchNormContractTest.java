package dev.chainrule.vision;

import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.LayerContract;
import java.util.List;

/**
 * The per-row layer contract, which runs in inference (running statistics: rows independent, an affine map
 * per feature); the batch-coupled training map is checked in {@link BatchNormTrainingTest}.
 */
class BatchNormContractTest extends LayerContract {
    @Override
    protected LayerProvider provider() {
        return new BatchNormProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("momentum", 0.2, "epsilon", 1e-3);
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(
                new BadOption(Options.of("momentum", 1.5), "momentum", "got 1.5"),
                new BadOption(Options.of("momentum", -0.1), "momentum", "from 0 to 1"),
                new BadOption(Options.of("epsilon", 0), "epsilon", "got 0"),
                new BadOption(Options.of("epsilon", -1e-5), "epsilon", "in (0, 1]"),
                new BadOption(Options.of("epsilon", "small"), "epsilon", "got 'small'"));
    }
}
