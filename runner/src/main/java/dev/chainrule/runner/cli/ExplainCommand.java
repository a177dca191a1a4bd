package dev.chainrule.runner.cli;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Loss;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.Samples;
import dev.chainrule.engine.explain.Explainer;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One step of the config's optimizer on one training sample, printed as the notes' chain rule: the forward pass stage by stage
 * (shapes, the base points each stage keeps), then reverse mode from {@code g = D ℓ}: at each stage its
 * Jacobians' structure (and dense matrix when small), the parameter gradients {@code g·D_θ} and the row
 * vector {@code g ← g·D_x} carried down. The gradients are computed here from the Jacobians one VJP at a
 * time, then compared with the network's own {@code backward()}, and the config's optimizer
 * ({@code training.optimizer}, with its options and state as training starts them) takes the step.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Perform one step of the config's optimizer on one training sample and print the chain "
                + "rule at work: per stage the shapes, the saved base points, each Jacobian's structure (dense when "
                + "small), the row vector carried backwards and each parameter gradient.",
                "Try configs/mnist-explain.json (784→12→10), whose matrices fit a screen."})
public class ExplainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CONFIG", description = "the run config, e.g. configs/mnist-explain.json")
    Path config;

    @Option(names = "--sample", paramLabel = "I", defaultValue = "0",
            description = "index of the training sample (default ${DEFAULT-VALUE})")
    int sample;

    @Mixin
    DataOption dataOption;

    private final ConfigPipeline configs;
    private final DataSource dataSource;
    private final NetworkFactory factory;
    private final Terminal terminal;

    @Inject
    public ExplainCommand(ConfigPipeline configs, DataSource dataSource, NetworkFactory factory, Terminal terminal) {
        this.configs = configs;
        this.dataSource = dataSource;
        this.factory = factory;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        RunConfig c = configs.read(config, config.toString());
        if (dataOption.dir() != null) {
            c = c.withDataDir(dataOption.dir());
        }
        var split = dataSource.load(c.data());
        Samples train = split.train();
        if (sample < 0 || sample >= train.size()) {
            throw new BadInputException("--sample: must be an index from 0 to " + (train.size() - 1) + ", got " + sample);
        }
        c = c.resolveInput(train.features());
        Network net = dev.chainrule.engine.train.ClassCheck.build(factory, c, train, split.test());
        Tensor x = new Tensor(1, train.features());
        int[] y = new int[1];
        train.fill(new int[] {sample}, 0, 1, x, y);
        Explainer.explain(terminal.out(), c, net, factory.optimizer(c), x, y[0], sample);
        terminal.out().flush();
        return 0;
    }
}
