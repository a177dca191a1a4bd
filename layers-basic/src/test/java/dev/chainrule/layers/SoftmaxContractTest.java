package dev.chainrule.layers;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.testkit.ActivationContract;

class SoftmaxContractTest extends ActivationContract {
    @Override
    protected ActivationProvider provider() {
        return new SoftmaxProvider();
    }
}
