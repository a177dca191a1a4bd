package dev.chainrule.engine.config;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Merge;
import dev.chainrule.api.MergeProvider;
import dev.chainrule.engine.network.StageGraph;
import dev.chainrule.api.Loss;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Stage;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.engine.registry.ProviderRegistry;
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
        if (config.input() <= 0) {
            throw new IllegalStateException("network input size not resolved");
        }
        return build(config, Shape.of(config.input()), numClasses);
    }

    /**
     * Builds the network for input rows of {@code inputShape} (the data's sample shape, such as 1×28×28);
     * each stage's provider receives the previous stage's {@link Stage#outputShape()}.
     *
     * @throws ConfigException naming the entry and both shapes when they do not chain
     */
    public Network build(RunConfig config, Shape inputShape, int numClasses) {
        String src = config.source();
        if (config.input() > 0 && inputShape.size() != config.input()) {
            throw new ConfigException(src, "network.input", config.input() + " but the data's samples are "
                    + inputShape + " = " + inputShape.size() + " values");
        }
        List<ComponentSpec> specs = config.layers();
        List<int[]> ids = GraphConfig.inputIds(specs);
        List<String> names = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        Shape shape = inputShape;
        int n = shape.size();
        for (int i = 0; i < specs.size(); i++) {
            ComponentSpec c = specs.get(i);
            String path = c.origin() != null ? c.origin() : "network.layers[" + i + "]";
            int[] in = ids.get(i);
            List<Shape> shapes = new ArrayList<>();
            StringBuilder fromSb = new StringBuilder();
            for (int k = 0; k < in.length; k++) {
                int j = in[k];
                shapes.add(j < 0 ? inputShape : stages.get(j).outputShape());
                fromSb.append(k == 0 ? "" : k == in.length - 1 ? " and " : ", ")
                        .append(j < 0 ? "the input" : display(specs, j) + " (" + specs.get(j).type() + ")");
            }
            String from = fromSb.toString();
            ComponentProvider p = registry.stage(c.type());
            if (!(p instanceof MergeProvider) && in.length != 1) {
                throw new ConfigException(src, path + ".inputs", c.type() + " takes one input but is given " + in.length
                        + " (" + from + "); join them with a merge (add, concat, multiply)");
            }
            shape = shapes.get(0);
            n = shape.size();
            BuildContext ctx = p instanceof MergeProvider
                    ? BuildContext.merge(c.type(), shapes, c.asOptions(), layerSeed(config.seed(), i))
                    : new BuildContext(c.type(), shape, c.asOptions(), layerSeed(config.seed(), i));
            String gives = p instanceof MergeProvider ? dev.chainrule.api.support.MergeStage.describe(shapes)
                    : shape.toString();
            Stage s;
            try {
                if (p instanceof LayerProvider lp) {
                    s = lp.create(ctx);
                } else if (p instanceof TransformProvider tp) {
                    s = tp.create(ctx);
                } else if (p instanceof MergeProvider mp) {
                    s = mp.create(ctx);
                } else {
                    s = ((ActivationProvider) p).create(ctx);
                }
            } catch (OptionException e) {
                throw new ConfigException(src, e.key() == null ? path : path + "." + e.key(), e.getMessage());
            } catch (ShapeException e) {
                throw new ConfigException(src, path, describeStage(specs, i) + " " + e.getMessage() + " but " + from
                        + (in.length == 1 ? " gives " : " give ") + gives);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(src, path, e.getMessage());
            } catch (OutOfMemoryError e) {
                throw new ConfigException(src, path, "too large to allocate with " + gives + " inputs "
                        + "(raise the heap with JAVA_OPTS=-Xmx... or use fewer units)");
            } catch (RuntimeException e) {
                throw PluginChecks.failed(p, c.type(), "create() threw", e);
            }
            PluginChecks.stage(p, c.type(), s, ctx.inputSize());
            if (s == null) {
                throw new ConfigException(src, path, "the provider of '" + c.type() + "' ("
                        + p.getClass().getName() + ") returned no stage (create gave null)");
            }
            if (s instanceof Merge m) {
                if (!m.inputShapes().equals(shapes) || s.inputSize() != ctx.inputSize()) {
                    throw new ConfigException(src, path, c.type() + " was built for inputs "
                            + dev.chainrule.api.support.MergeStage.describe(m.inputShapes()) + " but " + from + " give "
                            + gives);
                }
            } else if (p instanceof MergeProvider) {
                throw new ConfigException(src, path, "the merge provider of '" + c.type() + "' made a "
                        + s.getClass().getName() + ", not a Merge");
            } else if (s.inputSize() != n || s.inputShape().size() != n) {
                throw new ConfigException(src, path, c.type() + " was built for input " + s.inputShape()
                        + " but " + from + " gives " + shape);
            }
            if (s.outputShape().size() != s.outputSize()) {
                throw new ConfigException(src, path, c.type() + " reports output shape " + s.outputShape()
                        + " but output size " + s.outputSize() + "; they must agree");
            }
            shape = s.outputShape();
            n = s.outputSize();
            stages.add(s);
            names.add(c.name());
        }
        checkClasses(config, n, numClasses);
        Loss loss;
        LossProvider lp = registry.loss(config.loss().type());
        try {
            loss = lp.create(new BuildContext(n, config.loss().asOptions(), layerSeed(config.seed(), -1)));
        } catch (OptionException e) {
            throw new ConfigException(src, e.key() == null ? "loss" : "loss." + e.key(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src, "loss", e.getMessage());
        } catch (RuntimeException e) {
            throw PluginChecks.failed(lp, config.loss().type(), "create() threw", e);
        }
        PluginChecks.loss(lp, config.loss().type(), loss, n);
        try {
            return new Network(new StageGraph(stages, ids, names), loss);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src, "network", e.getMessage());
        }
    }

    /** {@code 'c1'} for a named stage, {@code layers[i]} otherwise. */
    private static String display(List<ComponentSpec> specs, int i) {
        return specs.get(i).name() != null ? "'" + specs.get(i).name() + "'" : "layers[" + i + "]";
    }

    /** The entry as a message names it: {@code add 'sum'}, or its type alone. */
    private static String describeStage(List<ComponentSpec> specs, int i) {
        return specs.get(i).type() + (specs.get(i).name() != null ? " '" + specs.get(i).name() + "'" : "");
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
     * The optimizer of {@code training.optimizer}, from the registry (its options were checked when the
     * config was read).
     */
    public Optimizer optimizer(RunConfig config) {
        return optimizer(registry, config);
    }

    public static Optimizer optimizer(ProviderRegistry registry, RunConfig config) {
        RunConfig.Optimizer o = config.training().optimizer();
        try {
            return registry.optimizer(o.type()).create(new BuildContext(o.type(), Shape.of(1),
                    o.asSpec().asOptions(), 0L));
        } catch (OptionException e) {
            throw new ConfigException(config.source(), e.key() == null ? "training.optimizer"
                    : "training.optimizer." + e.key(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.source(), "training.optimizer", e.getMessage());
        }
    }

    /** A well-mixed seed for entry {@code index} (SplitMix64's finaliser over seed and position). */
    public static long layerSeed(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 2L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
