package dev.chainrule.engine.train;

import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;

/** Builds a network for a train/test split and checks the data's classes against its outputs. */
public final class ClassCheck {
    private ClassCheck() {
    }

    /**
     * When the training labels fit the network but a test label does not, the test data is at fault, not the
     * network: the message names that label's file, item and value rather than the class count the stray
     * label implies.
     */
    public static Network build(NetworkFactory factory, RunConfig config, Samples train, Samples test) {
        Network net = factory.build(config, train.shape(), 0);
        int k = net.outputSize();
        if (train.numClasses() != k && train.labelAtLeast(k) == null) {
            String stray = test.labelAtLeast(k);
            if (stray != null) {
                throw new BadInputException(stray + " is not a class of the network: its last stage gives " + k
                        + " outputs (classes 0.." + (k - 1) + ") and the training labels fit them");
            }
        }
        NetworkFactory.checkClasses(config, k, train.numClasses());
        return net;
    }
}
