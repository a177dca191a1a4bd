package dev.chainrule.layers;

import dev.chainrule.api.MergeProvider;
import dev.chainrule.testkit.MergeContract;

class MultiplyContractTest extends MergeContract {
    @Override
    protected MergeProvider provider() {
        return new MergeProviders.MultiplyProvider();
    }
}
