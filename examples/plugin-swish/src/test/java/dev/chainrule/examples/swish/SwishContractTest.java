package dev.chainrule.examples.swish;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.testkit.ActivationContract;

class SwishContractTest extends ActivationContract {
    @Override
    protected ActivationProvider provider() {
        return new SwishProvider();
    }
}
