package dev.chainrule.layers;

import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.LayerContract;
import java.util.List;

class DenseContractTest extends LayerContract {
    @Override
    protected LayerProvider provider() {
        return new DenseProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("units", 4);
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(
                new BadOption(Options.empty(), "units", "required"),
                new BadOption(Options.of("units", 0), "units", "got 0"),
                new BadOption(Options.of("units", -3), "units", "got -3"),
                new BadOption(Options.of("units", 2.5), "units", "got 2.5"),
                new BadOption(Options.of("units", "ten"), "units", "got 'ten'"),
                new BadOption(Options.of("units", 1 << 25), "units", "from 1 to 16777216"),
                new BadOption(Options.of("units", 4, "init", "xavier"), "init", "glorot-uniform, he-normal, zeros"));
    }
}
