package dev.chainrule.examples.batchcenter;

import dev.chainrule.api.Options;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.TransformContract;
import java.util.List;

class BatchCenterContractTest extends TransformContract {
    @Override
    protected TransformProvider provider() {
        return new BatchCenterProvider();
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(new BadOption(Options.of("momentum", 0), "momentum", "got 0"),
                new BadOption(Options.of("momentum", 1.5), "momentum", "got 1.5"));
    }
}
