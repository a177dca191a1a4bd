package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.LayerContract;
import java.util.List;

/** conv2d's contract with stride 2, same padding and a 2×3 kernel (padding on every side, uneven outputs). */
class Conv2dStridedContractTest extends LayerContract {
    @Override
    protected LayerProvider provider() {
        return new Conv2dProvider();
    }

    @Override
    protected Options validOptions() {
        return Options.of("filters", 2, "kernel", List.of(2, 3), "stride", 2, "padding", "same", "init", "glorot-uniform");
    }

    @Override
    protected int[] inputSizes() {
        return new int[] {30, 50};
    }

    @Override
    protected BuildContext context(int inputSize, long seed) {
        return new BuildContext(ImageShapes.of(inputSize), validOptions(), seed);
    }
}
