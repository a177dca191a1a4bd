package dev.chainrule.layers;

import dev.chainrule.api.MergeProvider;
import dev.chainrule.testkit.MergeContract;

class AddContractTest extends MergeContract {
    @Override
    protected MergeProvider provider() {
        return new MergeProviders.AddProvider();
    }
}
