package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.LayerContract;
import java.util.List;

/** conv2d's contract with the defaults (3×3, stride 1, valid) on 2×3×3, 2×5×5 and 3×4×5 images. */
class Conv2dContractTest extends LayerContract {
    @Override
    protected LayerProvider provider() {
        return new Conv2dProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("filters", 3);
    }

    @Override
    protected int[] inputSizes() {
        return new int[] {18, 50, 60};
    }

    @Override
    protected BuildContext context(int inputSize, long seed) {
        return new BuildContext(ImageShapes.of(inputSize), validOptions(), seed);
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(
                new BadOption(Options.empty(), "filters", "required"),
                new BadOption(Options.of("filters", 0), "filters", "got 0"),
                new BadOption(Options.of("filters", 2, "stride", 0), "stride", "got 0"),
                new BadOption(Options.of("filters", 2, "kernel", "big"), "kernel", "got 'big'"),
                new BadOption(Options.of("filters", 2, "kernel", List.of(3, 0)), "kernel", "[height, width]"),
                new BadOption(Options.of("filters", 2, "padding", "full"), "padding", "valid, same"),
                new BadOption(Options.of("filters", 2, "init", "zeros"), "init", "he-normal, glorot-uniform"));
    }
}
