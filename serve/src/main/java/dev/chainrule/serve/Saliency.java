package dev.chainrule.serve;

import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;

/**
 * The saliency map of a prediction: the input Jacobian row {@code D_x h_c(x)} (1×n) of the network's output
 * {@code h_c}, computed as reverse mode computes every gradient, by passing the unit row {@code e_c} back
 * through the stages' VJPs, {@code g ← g·D_x f_i}. The network's output is what {@link Network#predict}
 * gives: the class probabilities when it ends in softmax, as the shipped configs do.
 */
public final class Saliency {
    private Saliency() {
    }

    /**
     * {@code D_x h_c(x)} for one input row. Runs the forward pass itself, so every stage's base points are
     * those of {@code x}; a layer's backward also adds to its parameter gradients, which are zeroed after
     * (the caller owns the network and never trains it).
     */
    public static double[] of(Network network, double[] x, int c) {
        if (x.length != network.inputSize()) {
            throw new IllegalArgumentException(x.length + " inputs for a network of " + network.inputSize());
        }
        if (c < 0 || c >= network.outputSize()) {
            throw new IllegalArgumentException("class " + c + " of " + network.outputSize());
        }
        network.predict(Tensor.row(x.clone()));
        return backFrom(network, c);
    }

    /** The VJP pass alone, at the base points of the last forward call of a one-row batch. */
    static double[] backFrom(Network network, int c) {
        Tensor g = new Tensor(1, network.outputSize());
        g.set(0, c, 1.0);
        // over the graph: a stage read by several gets the sum of their VJPs (docs/graphs.md)
        g = network.graph().backwardToInput(g);
        network.zeroGrad();
        return g.rowCopy(0);
    }
}
