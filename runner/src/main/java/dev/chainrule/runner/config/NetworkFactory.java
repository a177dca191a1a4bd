package dev.chainrule.runner.config;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Network;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.Stage;
import dev.chainrule.runner.registry.ProviderRegistry;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link Network} a config describes: each entry's provider from the registry, each stage's
 * input size inferred from the previous stage's output, each layer's initialiser seeded from the run seed
 * and the entry's position (so the same config and seed give the same weights).
 */
public class NetworkFactory {
    private final ProviderRegistry registry;

    @Inject
    public NetworkFactory(ProviderRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param config a resolved config whose {@code input} is set
     * @param numClasses the class count the last stage must produce, or 0 to skip that check
     */
    public Network build(RunConfig config, int numClasses) {
        String src = config.source();
        int n = config.input();
        if (n <= 0) {
            throw new IllegalStateException("network input size not resolved");
        }
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < config.layers().size(); i++) {
            ComponentSpec c = config.layers().get(i);
            String path = "network.layers[" + i + "]";
            ComponentProvider p = registry.stage(c.type());
            BuildContext ctx = new BuildContext(n, c.asOptions(), layerSeed(config.seed(), i));
            Stage s;
            try {
                s = p instanceof LayerProvider lp ? lp.create(ctx) : ((ActivationProvider) p).create(ctx);
            } catch (OptionException e) {
                throw new ConfigException(src, e.key() == null ? path : path + "." + e.key(), e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(src, path, e.getMessage());
            } catch (OutOfMemoryError e) {
                throw new ConfigException(src, path, "too large to allocate with " + n + " inputs "
                        + "(raise the heap with JAVA_OPTS=-Xmx... or use fewer units)");
            }
            if (s.inputSize() != n) {
                throw new ConfigException(src, path, c.type() + " was built for " + s.inputSize()
                        + " inputs but the previous stage gives " + n);
            }
            n = s.outputSize();
            stages.add(s);
        }
        checkClasses(config, n, numClasses);
        Loss loss;
        try {
            loss = registry.loss(config.loss().type())
                    .create(new BuildContext(n, config.loss().asOptions(), layerSeed(config.seed(), -1)));
        } catch (OptionException e) {
            throw new ConfigException(src, e.key() == null ? "loss" : "loss." + e.key(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src, "loss", e.getMessage());
        }
        try {
            return new Network(stages, loss);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src, "network", e.getMessage());
        }
    }

    /** The last stage must give one output per class ({@code numClasses} 0: not checked). */
    public static void checkClasses(RunConfig config, int outputs, int numClasses) {
        if (numClasses > 0 && outputs != numClasses) {
            int last = config.layers().size() - 1;
            throw new ConfigException(config.source(), "network.layers[" + last + "]", "the last stage ("
                    + config.layers().get(last).type() + ") gives " + outputs + " outputs but the data has "
                    + numClasses + " classes; they must be equal");
        }
    }

    /**
     * Builds the network for a train/test split. When the training labels fit the network but a test label
     * does not, the test data is at fault, not the network: the message names that label's file, item and
     * value rather than the class count the stray label implies.
     */
    public Network build(RunConfig config, dev.chainrule.runner.train.Samples train,
            dev.chainrule.runner.train.Samples test) {
        Network net = build(config, 0);
        int k = net.outputSize();
        if (train.numClasses() != k && train.labelAtLeast(k) == null) {
            String stray = test.labelAtLeast(k);
            if (stray != null) {
                throw new dev.chainrule.runner.BadInputException(stray + " is not a class of the network: its last "
                        + "stage gives " + k + " outputs (classes 0.." + (k - 1) + ") and the training labels fit them");
            }
        }
        checkClasses(config, k, train.numClasses());
        return net;
    }

    /** A well-mixed seed for entry {@code index} (SplitMix64's finaliser over seed and position). */
    public static long layerSeed(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 2L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
