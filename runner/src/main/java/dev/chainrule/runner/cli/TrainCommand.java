package dev.chainrule.runner.cli;

import dev.chainrule.api.Network;
import dev.chainrule.runner.BadInputException;
import dev.chainrule.runner.Terminal;
import dev.chainrule.runner.config.ConfigException;
import dev.chainrule.runner.config.ConfigReader;
import dev.chainrule.runner.config.NetworkFactory;
import dev.chainrule.runner.config.RunConfig;
import dev.chainrule.runner.output.RunWriter;
import dev.chainrule.runner.train.ConsoleMetrics;
import dev.chainrule.runner.train.DataSource;
import dev.chainrule.runner.train.Evaluation;
import dev.chainrule.runner.train.ProgressSink;
import dev.chainrule.runner.train.Trainer;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the network a JSON config describes and write a run folder.",
        footer = {"", "Exit codes: 0 trained, 1 training diverged, 2 bad input (usage, config, data, output)."})
public class TrainCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONFIG", description = "the run config, e.g. configs/mnist-3layer.json")
    Path config;

    @Option(names = "--epochs", paramLabel = "N", description = "override training.epochs")
    Integer epochs;

    @Option(names = "--seed", paramLabel = "S", description = "override seed")
    Long seed;

    @Option(names = "--batch-size", paramLabel = "B", description = "override training.batchSize")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "A", description = "override training.optimizer.learningRate")
    Double learningRate;

    @Option(names = "--data", paramLabel = "DIR",
            description = "use this folder of IDX files instead of the config's data section")
    Path data;

    @Option(names = "--out", paramLabel = "DIR",
            description = "the run folder (default runs/<name>-<yyyyMMdd-HHmmss>); must not hold a run already")
    Path out;

    private final ConfigReader reader;
    private final DataSource dataSource;
    private final NetworkFactory factory;
    private final Trainer trainer;
    private final RunWriter writer;
    private final ProgressSink progress;
    private final Terminal terminal;

    @Inject
    public TrainCommand(ConfigReader reader, DataSource dataSource, NetworkFactory factory, Trainer trainer,
            RunWriter writer, ProgressSink progress, Terminal terminal) {
        this.reader = reader;
        this.dataSource = dataSource;
        this.factory = factory;
        this.trainer = trainer;
        this.writer = writer;
        this.progress = progress;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        RunConfig c = applyOverrides(reader.read(config, config.toString()));
        DataSource.Split split = dataSource.load(c.data());
        c = resolveInput(c, split.train().features());
        Network network = factory.build(c, split.train().numClasses());
        Path dir = writer.prepare(c, out);
        writer.writeConfig(dir, c);
        ConsoleMetrics console = new ConsoleMetrics(terminal.out(), c.training().epochs());
        terminal.out().printf(Locale.ROOT, "%s: %d training and %d test samples, %d parameters, run folder %s%n",
                c.name(), split.train().size(), split.test().size(), parameterCount(network), dir);
        terminal.out().flush();
        Trainer.Result r = trainer.train(network, split.train(), split.test(), c, progress, m -> {
            console.epoch(m);
            writer.appendMetrics(dir, m);
        });
        writer.writeModel(dir, network, c, split.train().numClasses());
        writer.writeConfusion(dir, r.finalTest().confusion());
        terminal.out().printf(Locale.ROOT, "%s: test accuracy %s after %d epochs (%.1f s), run folder %s%n", c.name(),
                Evaluation.percent(r.finalTest().accuracy()), c.training().epochs(), r.seconds(), dir);
        terminal.out().flush();
        return 0;
    }

    static long parameterCount(Network n) {
        long k = 0;
        for (var p : n.parameters()) {
            k += p.size();
        }
        return k;
    }

    /** network.input defaults to the data's features; a given one must match them. */
    public static RunConfig resolveInput(RunConfig c, int features) {
        if (c.input() == 0) {
            return c.withInput(features);
        }
        if (c.input() != features) {
            throw new ConfigException(c.source(), "network.input", c.input() + " but the data has " + features
                    + " features per sample; remove network.input or make them equal");
        }
        return c;
    }

    private RunConfig applyOverrides(RunConfig c) {
        RunConfig.Training t = c.training();
        RunConfig.Optimizer o = t.optimizer();
        if (epochs != null) {
            check("--epochs", epochs, 1, 100_000);
            t = new RunConfig.Training(o, t.batchSize(), epochs, t.shuffle(), t.evalBatchSize());
        }
        if (batchSize != null) {
            check("--batch-size", batchSize, 1, ConfigReader.MAX_BATCH_SIZE);
            t = new RunConfig.Training(o, batchSize, t.epochs(), t.shuffle(), t.evalBatchSize());
        }
        if (learningRate != null) {
            if (!(learningRate > 0) || learningRate.isInfinite()) {
                throw new BadInputException("--learning-rate: must be a positive finite number, got " + learningRate);
            }
            o = new RunConfig.Optimizer(o.type(), learningRate, o.momentum());
            t = new RunConfig.Training(o, t.batchSize(), t.epochs(), t.shuffle(), t.evalBatchSize());
        }
        c = c.withTraining(t);
        if (seed != null) {
            c = c.withSeed(seed);
        }
        if (data != null) {
            c = c.withData(new RunConfig.Data(null, data.toAbsolutePath().normalize().toString()));
        }
        return c;
    }

    private static void check(String option, int v, int min, int max) {
        if (v < min || v > max) {
            throw new BadInputException(option + ": must be an integer from " + min + " to " + max + ", got " + v);
        }
    }
}
