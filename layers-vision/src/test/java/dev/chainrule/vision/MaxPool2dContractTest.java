package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Options;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.BadOption;
import java.util.List;

/** maxpool2d's contract: 2×2 windows (flooring on 5×5 and 3×3), and 3×3 windows with stride 2 in the second case. */
class MaxPool2dContractTest extends TransformStageContract {
    @Override
    protected TransformProvider provider() {
        return new PoolProvider.Max();
    }

    @Override
    protected int[] inputSizes() {
        return new int[] {18, 50, 60};
    }

    @Override
    protected BuildContext context(int inputSize, long seed) {
        Options o = inputSize == 60 ? Options.of("size", 3, "stride", 2) : validOptions();
        return new BuildContext(ImageShapes.of(inputSize), o, seed);
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(
                new BadOption(Options.of("size", 0), "size", "got 0"),
                new BadOption(Options.of("stride", -1), "stride", "got -1"),
                new BadOption(Options.of("size", List.of(2, 2, 2)), "size", "[height, width]"));
    }
}
