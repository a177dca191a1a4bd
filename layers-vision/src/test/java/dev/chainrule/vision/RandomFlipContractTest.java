package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Options;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.TransformContract;
import java.util.List;

/**
 * The testkit's transform contract on colour images of odd sizes (3×5×7, 3×3×5, 3×4×5; both axes, p 0.5) and
 * on the provider's check cases; the whole-batch checks run in training, where the flips are drawn. The flips
 * themselves are checked in {@link RandomFlipTrainingTest}.
 */
class RandomFlipContractTest extends TransformContract {
    @Override
    protected TransformProvider provider() {
        return new RandomFlipProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("horizontal", true, "vertical", true, "p", 0.5);
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
                new BadOption(Options.of("p", 1.5), "p", "got 1.5"),
                new BadOption(Options.of("p", -0.1), "p", "got -0.1"),
                new BadOption(Options.of("horizontal", "yes"), "horizontal", "got 'yes'"),
                new BadOption(Options.of("horizontal", false), "horizontal", "both false"),
                new BadOption(Options.of("horizontal", false, "vertical", false), "vertical", "both false"));
    }
}
