package dev.chainrule.examples.avgpool;

import dev.chainrule.api.TransformProvider;
import dev.chainrule.testkit.TransformContract;

class AvgPoolContractTest extends TransformContract {
    @Override
    protected TransformProvider provider() {
        return new AvgPoolProvider();
    }
}
