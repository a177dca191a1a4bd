package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Options;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.TransformContract;
import java.util.List;

/**
 * The testkit's transform contract on colour images of odd sizes (3×5×7, 3×3×5, 3×4×5; max 2, so the shifts
 * reach the border) and on the provider's check cases; the whole-batch checks run in training, where the
 * shifts are drawn. The shifts themselves are checked in {@link RandomShiftTrainingTest}.
 */
class RandomShiftContractTest extends TransformContract {
    @Override
    protected TransformProvider provider() {
        return new RandomShiftProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("max", 2, "fill", 0.25);
    }

    @Override
    protected int[] inputSizes() {
        return new int[] {105, 45, 60};
    }

    @Override
    protected BuildContext context(int inputSize, long seed) {
        return new BuildContext(ImageShapes.of(inputSize), validOptions(), seed);
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(
                new BadOption(Options.of("max", 5), "max", "3×5×7 allows up to 4"),
                new BadOption(Options.of("max", -1), "max", "got -1"),
                new BadOption(Options.of("max", 1.5), "max", "got 1.5"),
                new BadOption(Options.of("fill", "black"), "fill", "got 'black'"));
    }
}
