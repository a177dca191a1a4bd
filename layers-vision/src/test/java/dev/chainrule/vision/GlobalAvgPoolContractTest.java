package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.TransformProvider;

class GlobalAvgPoolContractTest extends TransformStageContract {
    @Override
    protected TransformProvider provider() {
        return new GlobalAvgPool.Provider();
    }

    @Override
    protected int[] inputSizes() {
        return new int[] {18, 60};
    }

    @Override
    protected BuildContext context(int inputSize, long seed) {
        return new BuildContext(ImageShapes.of(inputSize), validOptions(), seed);
    }
}
