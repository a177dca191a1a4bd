package dev.chainrule.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.cluster.Cluster;
import dev.chainrule.engine.train.ShardBackend;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.serve.RunFolders;
import dev.chainrule.serve.RunServer;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import dev.chainrule.engine.run.TrainingRun;
import jakarta.inject.Provider;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the network a JSON config describes and write a run folder.",
        footer = {"", "Exit codes: 0 trained, 1 training diverged, 2 bad input (usage, config, data, output)."})
public class TrainCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONFIG", arity = "0..1",
            description = "the run config, e.g. configs/mnist-3layer.json (not with --resume)")
    Path config;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "continue the run in RUN_DIR from its last checkpoint; the final weights are bitwise those "
                    + "of a run never stopped")
    Path resume;

    @Option(names = "--epochs", paramLabel = "N", description = "override training.epochs")
    Integer epochs;

    @Option(names = "--seed", paramLabel = "S", description = "override seed")
    Long seed;

    @Option(names = "--batch-size", paramLabel = "B", description = "override training.batchSize")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "A", description = "override training.optimizer.learningRate")
    Double learningRate;

    @Mixin
    DataOption dataOption;

    @Option(names = "--serve", description = "also serve the run's page (runner serve) on 127.0.0.1 while it trains, "
            + "and keep serving it after training until Ctrl-C")
    boolean serve;

    @Option(names = "--serve-port", paramLabel = "P", defaultValue = "8080",
            description = "the port of --serve (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int servePort;

    @Option(names = "--name", paramLabel = "NAME",
            description = "the run's name (default: the config's; with --data, the config's and the data folder's)")
    String name;

    @Option(names = "--out", paramLabel = "DIR",
            description = "the run folder (default runs/<name>-<yyyyMMdd-HHmmss>); must not hold a run already")
    Path out;

    @Mixin
    TrustOption trust;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "compute the training.shards of every step as Spark tasks on MASTER (local[N], "
                    + "local-cluster[W,C,MB], spark://HOST:PORT, yarn, k8s://URL): the same bits as the shards on "
                    + "one machine; needs the spark module on the class path (spark/bin/runner-spark, docs/spark.md)")
    String spark;

    private final ConfigPipeline configs;
    private final Provider<TrainingRun> runs;
    private final Terminal terminal;
    private final ObjectMapper mapper;
    private final ProviderRegistry registry;
    private final ShardBackend shards;

    @Inject
    public TrainCommand(ConfigPipeline configs, Provider<TrainingRun> runs, Terminal terminal, ObjectMapper mapper,
            ProviderRegistry registry, ShardBackend shards) {
        this.configs = configs;
        this.runs = runs;
        this.terminal = terminal;
        this.mapper = mapper;
        this.registry = registry;
        this.shards = shards;
    }

    @Override
    public Integer call() {
        for (var o : new Object[][] {{"--out", out}, {"--data", dataOption.data}, {"--resume", resume}}) {
            if (o[1] != null && o[1].toString().isEmpty()) {
                // Path.of("") is the working directory: never what an empty value (an unset variable) meant
                throw new BadInputException(o[0] + ": must be a folder path, got an empty string");
            }
        }
        if (trust.trusted && resume == null) {
            throw new BadInputException(PluginSettings.TRUST_OPTION + ": only with --resume RUN_DIR (a config's "
                    + "own \"plugins\" folder is used without it)");
        }
        if (servePort < 0 || servePort > 65535) {
            throw new BadInputException("--serve-port: must be from 0 to 65535, got " + servePort);
        }
        TrainingRun.Request request;
        if (resume != null) {
            if (config != null || epochs != null || seed != null || batchSize != null || learningRate != null
                    || out != null || name != null) {
                throw new BadInputException("--resume RUN_DIR: continues the run as its config.json says; give no "
                        + "CONFIG, --epochs, --seed, --batch-size, --learning-rate, --name or --out with it");
            }
            request = new TrainingRun.Request(null, resume, dataOption.dir(), null, trust.trusted, null, null);
        } else {
            if (config == null) {
                throw new BadInputException("Missing required parameter: 'CONFIG' or --resume RUN_DIR (see 'runner train --help')");
            }
            request = TrainingRun.Request.fresh(applyOverrides(configs.read(config, config.toString())), out);
        }
        Cluster.Session session = null;
        if (spark != null) {
            Cluster cluster = Cluster.load("--spark");
            cluster.checkMaster(spark);
            if (request.config() != null && request.config().training().shards() < 2) {
                throw new BadInputException("--spark: training.shards is " + request.config().training().shards()
                        + "; set it to the number of Spark tasks per step (at least 2)");
            }
            session = cluster.connect(spark, "chainrule train");
            shards.use(session.shards());
        }
        try {
            return trainAndServe(request);
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    private Integer trainAndServe(TrainingRun.Request request) {
        // listen before the run folder is made, so a port in use leaves nothing behind
        AtomicReference<List<RunFolders.Root>> served = new AtomicReference<>(List.of());
        RunServer server = !serve ? null : ServeCommand.start(new RunFolders(served::get), "the run",
                "127.0.0.1", servePort, "--serve-port", registry, mapper, terminal);
        try {
            runs.get().run(request.withFolderReady(dir -> served.set(List.of(new RunFolders.Root(dir, dir.toString())))));
        } catch (RuntimeException e) {
            if (server != null) {
                server.stop();
            }
            throw e;
        }
        serveAfterTraining(server);
        return 0;
    }

    private void serveAfterTraining(RunServer server) {
        if (server == null) {
            return;
        }
        terminal.out().println("training done; the page stays up at http://127.0.0.1:" + server.port()
                + "/ (Ctrl-C stops)");
        terminal.out().flush();
        try {
            ServeCommand.serveUntilStopped(server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop: done
        }
    }

    private RunConfig applyOverrides(RunConfig c) {
        RunConfig.Training t = c.training();
        RunConfig.Optimizer o = t.optimizer();
        if (epochs != null) {
            check("--epochs", epochs, 1, 100_000);
            t = t.withEpochs(epochs);
        }
        if (batchSize != null) {
            check("--batch-size", batchSize, 1, ConfigReader.MAX_BATCH_SIZE);
            if (batchSize < t.shards()) {
                throw new BadInputException("--batch-size: " + batchSize + " is less than training.shards " + t.shards()
                        + ": every shard of a batch needs a row");
            }
            t = t.withBatchSize(batchSize);
        }
        if (learningRate != null) {
            if (!(learningRate > 0) || learningRate.isInfinite()) {
                throw new BadInputException("--learning-rate: must be a positive finite number, got " + learningRate);
            }
            o = o.withLearningRate(learningRate);
            t = t.withOptimizer(o);
        }
        c = c.withTraining(t);
        if (seed != null) {
            c = c.withSeed(seed);
        }
        if (dataOption.dir() != null) {
            c = c.withDataDir(dataOption.dir());
            // another data set is another run: "mnist-batch32" trained on Fashion-MNIST must not be called that
            if (name == null) {
                c = c.withName(withData(c.name(), dataOption.dir()));
            }
        }
        if (name != null) {
            if (!name.matches(NAME)) {
                throw new BadInputException("--name: must be 1-100 letters, digits, '.', '_' or '-' (it names the run "
                        + "folder), got '" + dev.chainrule.engine.io.Text.escape(name) + "'");
            }
            c = c.withName(name);
        }
        return c;
    }

    /** What a config's name allows (ConfigReader). */
    static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";

    /** {@code mnist-batch32-fashion} for config name mnist-batch32 and data folder .../fashion. */
    static String withData(String configName, Path dir) {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        String data = f == null ? "" : f.toString().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (data.isEmpty()) {
            return configName;
        }
        String n = configName + "-" + data;
        return n.length() <= 100 ? n : n.substring(0, 100);
    }

    private static void check(String option, int v, int min, int max) {
        if (v < min || v > max) {
            throw new BadInputException(option + ": must be an integer from " + min + " to " + max + ", got " + v);
        }
    }
}
