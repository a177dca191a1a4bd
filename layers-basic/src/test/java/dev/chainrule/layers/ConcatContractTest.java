package dev.chainrule.layers;

import dev.chainrule.api.MergeProvider;
import dev.chainrule.testkit.MergeContract;

class ConcatContractTest extends MergeContract {
    @Override
    protected MergeProvider provider() {
        return new MergeProviders.ConcatProvider();
    }
}
