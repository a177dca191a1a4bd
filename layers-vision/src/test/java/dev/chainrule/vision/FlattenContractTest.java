package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.TransformProvider;

class FlattenContractTest extends TransformStageContract {
    @Override
    protected TransformProvider provider() {
        return new Flatten.Provider();
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
