package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Tensor;
import dev.chainrule.testkit.ContractChecks;
import dev.chainrule.testkit.LossContract;
import java.util.SplittableRandom;

class CrossEntropyContractTest extends LossContract {
    @Override
    protected LossProvider provider() {
        return new CrossEntropyProvider();
    }

    /**
     * Probability rows, nearly one-hot at the extreme points ({@link ContractChecks#PROBABILITIES}): −ln p_y
     * is only defined on probabilities, and below p ≈ 6e-4 the checker's fixed step cannot resolve it.
     */
    @Override
    protected Tensor predictions(int rows, int n, boolean extreme, SplittableRandom rng) {
        return ContractChecks.PROBABILITIES.draw(rows, n, extreme, rng);
    }
}
