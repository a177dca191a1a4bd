package dev.chainrule.runner.cli;

import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Optimizer;
import dev.chainrule.kernels.Parallelism;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.timing.Throughput;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training throughput of the configured model on its data: the median of several "
                + "timed full epochs after warm-up epochs, no evaluation inside the timing.")
public class BenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONFIG", description = "the run config, e.g. configs/mnist-3layer.json")
    Path config;

    @Option(names = "--batch-size", paramLabel = "B", description = "override training.batchSize")
    Integer batchSize;

    @Option(names = "--passes", paramLabel = "P", defaultValue = "5", description = "timed epochs (default ${DEFAULT-VALUE})")
    int passes;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "1", description = "untimed epochs first (default ${DEFAULT-VALUE})")
    int warmup;

    @Mixin
    DataOption dataOption;

    @Option(names = "--threads", paramLabel = "T",
            description = "threads the dense layers split a mini-batch of at least 32 rows over (default 2 when there are 2 or more cores, else 1)")
    Integer threads;

    @Option(names = "--json", description = "print one JSON object line instead of text")
    boolean json;

    @Option(names = "--stages", paramLabel = "N", description = "instead of epochs: time each stage's forward and "
            + "backward, the loss and the optimizer step on N batches (after --warmup of them) and print the "
            + "median milliseconds per batch of each, the profile of a training step")
    Integer stages;

    private final ConfigPipeline configs;
    private final DataSource dataSource;
    private final NetworkFactory factory;
    private final Terminal terminal;

    @Inject
    public BenchCommand(ConfigPipeline configs, DataSource dataSource, NetworkFactory factory, Terminal terminal) {
        this.configs = configs;
        this.dataSource = dataSource;
        this.factory = factory;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if (passes < 1 || passes > 1000) {
            throw new BadInputException("--passes: must be an integer from 1 to 1000, got " + passes);
        }
        if (warmup < 0 || warmup > 1000) {
            throw new BadInputException("--warmup: must be an integer from 0 to 1000, got " + warmup);
        }
        if (batchSize != null && (batchSize < 1 || batchSize > ConfigReader.MAX_BATCH_SIZE)) {
            throw new BadInputException("--batch-size: must be an integer from 1 to " + ConfigReader.MAX_BATCH_SIZE
                    + ", got " + batchSize);
        }
        RunConfig c = configs.read(config, config.toString());
        if (dataOption.dir() != null) {
            c = c.withDataDir(dataOption.dir());
        }
        DataSource.Split split = dataSource.load(c.data());
        c = c.resolveInput(split.train().features());
        Network network = factory.build(c, split.train().shape(), split.train().numClasses());
        RunConfig.Training t = c.training();
        int b = batchSize != null ? batchSize : t.batchSize();
        if (threads != null) {
            if (threads < 1 || threads > 64) {
                throw new BadInputException("--threads: must be an integer from 1 to 64, got " + threads);
            }
            Parallelism.setThreads(threads);
        }
        int used = Parallelism.threads();
        if (stages != null) {
            if (stages < 1 || stages > 100000) {
                throw new BadInputException("--stages: must be an integer from 1 to 100000, got " + stages);
            }
            Optimizer optimizer = factory.optimizer(c);
            printProfile(c.name(), Throughput.stageProfile(network, split.train(), b, optimizer, warmup, stages),
                    b, used, optimizer.linearStep(b).isPresent());
            return 0;
        }
        Throughput.Result r = Throughput.measure(network, split.train(), b, factory.optimizer(c), warmup, passes, c.seed(), used);
        if (json) {
            StringJoiner times = new StringJoiner(",", "[", "]");
            for (double s : r.epochSeconds()) {
                times.add(String.format(Locale.ROOT, "%.4f", s));
            }
            terminal.out().printf(Locale.ROOT,
                    "{\"impl\":\"chainrule\",\"batch\":%d,\"threads\":%d,\"epochSeconds\":%s,\"medianEpochSeconds\":%.4f,"
                            + "\"samplesPerSecond\":%.1f,\"medianEpochCpuSeconds\":%.4f,\"medianEpochProcessCpuSeconds\":%.4f}%n",
                    r.batch(), r.threads(), times, r.medianEpochSeconds(), r.samplesPerSecond(), r.medianEpochCpuSeconds(),
                    r.medianEpochProcessCpuSeconds());
        } else {
            StringJoiner times = new StringJoiner(" ");
            for (double s : r.epochSeconds()) {
                times.add(String.format(Locale.ROOT, "%.3f", s));
            }
            terminal.out().printf(Locale.ROOT,
                    "%s: batch %d, %d thread(s): %.3f s/epoch (median of %s), %.0f samples/s; training thread CPU %.3f s/epoch%n",
                    c.name(), r.batch(), r.threads(), r.medianEpochSeconds(), times, r.samplesPerSecond(),
                    r.medianEpochCpuSeconds());
        }
        terminal.out().flush();
        return 0;
    }

    /** @param fused whether training would take the in-place update path instead (plain SGD), which this does not time */
    private void printProfile(String name, List<Throughput.Part> parts, int batch, int threads, boolean fused) {
        double total = 0;
        for (Throughput.Part p : parts) {
            total += p.forwardMs() + p.backwardMs();
        }
        if (json) {
            StringJoiner list = new StringJoiner(",", "[", "]");
            for (Throughput.Part p : parts) {
                list.add(String.format(Locale.ROOT,
                        "{\"part\":\"%s\",\"forwardMs\":%.4f,\"backwardMs\":%.4f,\"forwardCpuMs\":%.4f,\"backwardCpuMs\":%.4f}",
                        p.name().replace("\\", "\\\\").replace("\"", "\\\""), p.forwardMs(), p.backwardMs(),
                        p.forwardCpuMs(), p.backwardCpuMs()));
            }
            terminal.out().printf(Locale.ROOT,
                    "{\"impl\":\"chainrule\",\"batch\":%d,\"threads\":%d,\"stepMs\":%.4f,\"trainingFusesStep\":%b,\"parts\":%s}%n",
                    batch, threads, total, fused, list);
        } else {
            terminal.out().printf(Locale.ROOT, "%s: batch %d, %d thread(s): %.2f ms per training step (sum of the medians; CPU ms: the calling thread's,"
                    + " all of it with --threads 1)%n",
                    name, batch, threads, total);
            int width = 4;
            for (Throughput.Part p : parts) {
                width = Math.max(width, p.name().length());
            }
            String row = "%-" + width + "s %11s %11s %11s %11s %7s%n";
            terminal.out().printf(Locale.ROOT, row, "part", "forward ms", "backward ms", "fwd CPU ms", "bwd CPU ms", "share");
            for (Throughput.Part p : parts) {
                terminal.out().printf(Locale.ROOT, "%-" + width + "s %11.3f %11.3f %11.3f %11.3f %6.1f%%%n", p.name(),
                        p.forwardMs(), p.backwardMs(), p.forwardCpuMs(), p.backwardCpuMs(),
                        100 * (p.forwardMs() + p.backwardMs()) / total);
            }
            if (fused) {
                terminal.out().println("note: this optimizer's step is linear, so training runs the layers' in-place update "
                        + "(backward and step in one pass) instead of the separate backward and optimizer step timed here");
            }
        }
        terminal.out().flush();
    }
}
