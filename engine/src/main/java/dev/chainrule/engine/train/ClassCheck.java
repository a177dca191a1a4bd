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
        checkTargets(config, net, train);
        if (train.regression()) {
            return net;
        }
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

    /**
     * The loss must take what the data has (class labels, or real-valued targets for a regression), and a
     * regression's network must give one output per target.
     */
    static void checkTargets(RunConfig config, Network net, Samples train) {
        java.util.Set<dev.chainrule.api.Loss.Targets> takes = net.loss().targets();
        String loss = config.loss().type();
        if (train.regression()) {
            if (!takes.contains(dev.chainrule.api.Loss.Targets.VALUES)) {
                throw new dev.chainrule.engine.config.ConfigException(config.source(), "loss.type", "'" + loss
                        + "' takes class labels, but the data has real-valued targets (data.target: a regression); "
                        + "use a loss that takes values, such as mse, mae or huber");
            }
            int last = config.layers().size() - 1;
            if (net.outputSize() != train.numClasses()) {
                throw new dev.chainrule.engine.config.ConfigException(config.source(), "network.layers[" + last + "]",
                        "the last stage (" + config.layers().get(last).type() + ") gives " + net.outputSize()
                                + " outputs but the data has " + train.numClasses() + " target"
                                + (train.numClasses() == 1 ? "" : "s") + "; they must be equal");
            }
        } else if (!takes.contains(dev.chainrule.api.Loss.Targets.CLASSES)) {
            throw new dev.chainrule.engine.config.ConfigException(config.source(), "loss.type", "'" + loss
                    + "' takes real-valued targets, but the data has class labels; use a classification loss such as "
                    + "cross-entropy, or give the data's value columns as data.target");
        }
    }
}
