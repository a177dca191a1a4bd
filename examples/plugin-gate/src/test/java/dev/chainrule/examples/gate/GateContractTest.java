package dev.chainrule.examples.gate;

import dev.chainrule.api.MergeProvider;
import dev.chainrule.testkit.MergeContract;

class GateContractTest extends MergeContract {
    @Override
    protected MergeProvider provider() {
        return new GateProvider();
    }
}
