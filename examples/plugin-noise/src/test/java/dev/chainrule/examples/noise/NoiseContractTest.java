package dev.chainrule.examples.noise;

import dev.chainrule.api.Options;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.TransformContract;
import java.util.List;

class NoiseContractTest extends TransformContract {
    @Override
    protected TransformProvider provider() {
        return new NoiseProvider();
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(new BadOption(Options.of("sigma", 0), "sigma", "got 0"),
                new BadOption(Options.of("sigma", "loud"), "sigma", "got 'loud'"));
    }
}
