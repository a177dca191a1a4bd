package dev.chainrule.losses;

import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Tensor;
import dev.chainrule.testkit.LossContract;
import java.util.SplittableRandom;

class CrossEntropyContractTest extends LossContract {
    @Override
    protected LossProvider provider() {
        return new CrossEntropyProvider();
    }

    /**
     * Rows of a probability vector. Extreme rows are nearly one-hot: one entry near 1, the others in
     * [1e-3, 1e-2]. Smaller p_y is correct code but outside what the checker's fixed step resolves: for
     * −ln p the central difference with ε = 1e-6 has relative truncation error ε²/(3p²), above the 1e-6
     * tolerance once p &lt; 6e-4.
     */
    @Override
    protected Tensor predictions(int rows, int n, boolean extreme, SplittableRandom rng) {
        Tensor p = new Tensor(rows, n);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            int top = rng.nextInt(n);
            for (int i = 0; i < n; i++) {
                double v = extreme ? (i == top ? 1.0 : rng.nextDouble(1e-3, 1e-2)) : rng.nextDouble(0.05, 1);
                p.set(r, i, v);
                sum += v;
            }
            for (int i = 0; i < n; i++) {
                // normalise only ordinary rows; extreme rows keep their small entries exact and sum near 1
                p.set(r, i, extreme && i == top ? 1.0 - (sum - 1.0) : extreme ? p.get(r, i) : p.get(r, i) / sum);
            }
        }
        return p;
    }
}
