package dev.chainrule.runner.report;

import dev.chainrule.api.Network;
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
        for (int r = 0; r < h.rows(); r++) {
            if (!isDistribution(h, r)) {
                softmaxRow(h, r);
            }
        }
        return h;
    }

    static boolean isDistribution(Tensor t, int r) {
        double sum = 0;
        for (int j = 0; j < t.cols(); j++) {
            double v = t.get(r, j);
            if (!(v >= 0 && v <= 1)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1) < 1e-6;
    }

    static void softmaxRow(Tensor t, int r) {
        double c = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < t.cols(); j++) {
            c = Math.max(c, t.get(r, j));
        }
        double s = 0;
        for (int j = 0; j < t.cols(); j++) {
            s += Math.exp(t.get(r, j) - c);
        }
        double lse = c + Math.log(s);
        for (int j = 0; j < t.cols(); j++) {
            t.set(r, j, Math.exp(t.get(r, j) - lse));
        }
    }
}
