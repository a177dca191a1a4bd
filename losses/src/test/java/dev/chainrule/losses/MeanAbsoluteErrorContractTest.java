package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.testkit.LossContract;

class MeanAbsoluteErrorContractTest extends LossContract {
    @Override
    protected LossProvider provider() {
        return new MeanAbsoluteErrorProvider();
    }
}
