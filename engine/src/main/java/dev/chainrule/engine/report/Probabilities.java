package dev.chainrule.engine.report;

import dev.chainrule.engine.train.Evaluator;

import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Tensor;

/**
 * Class probabilities {@code h(x)} of a network. A network that ends in softmax already gives them; for
 * one that ends in raw scores (e.g. trained with MSE on a linear output) the scores go through a stable
 * softmax, {@code exp(x_i − logsumexp(x))}, so the report and {@code predict} can always show
 * probabilities.
 */
public final class Probabilities {
    private Probabilities() {
    }

    /** {@code B × N} probabilities for the rows of {@code x}, a new tensor. */
    public static Tensor of(Network network, Tensor x) {
        Tensor h = network.predict(x).copy();
        double[] row = new double[h.cols()];
        for (int r = 0; r < h.rows(); r++) {
            Evaluator.probabilities(h, r, false, row);
            System.arraycopy(row, 0, h.data(), h.offset(r), row.length);
        }
        return h;
    }
}
