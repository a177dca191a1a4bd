package dev.chainrule.runner.cli;

import dev.chainrule.api.Network;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.output.RunWriter;
import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.plugins.RunPlugins;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.output.FileRunWriter;
import dev.chainrule.engine.output.RunFolderFiles;
import dev.chainrule.engine.output.RunLock;
import dev.chainrule.engine.train.MemoryNeed;
import dev.chainrule.engine.report.EpochPoint;
import dev.chainrule.engine.report.RunReport;
import dev.chainrule.engine.report.TestScan;
import dev.chainrule.engine.train.MetricsSink;
import dev.chainrule.engine.train.Checkpoint;
import dev.chainrule.engine.train.CheckpointStore;
import dev.chainrule.engine.train.EpochMetrics;
import dev.chainrule.engine.train.Samples;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import dev.chainrule.serve.RunFolders;
import dev.chainrule.engine.train.ConsoleMetrics;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.Evaluation;
import dev.chainrule.engine.train.ProgressSink;
import dev.chainrule.engine.train.Trainer;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.serve.RunServer;
import dev.chainrule.runner.cli.ServeCommand;
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

    @Option(names = "--data", paramLabel = "DIR",
            description = "use this folder of IDX files instead of the config's data section")
    Path data;

    @Option(names = "--serve", description = "also serve the run's page (runner serve) on 127.0.0.1 while it trains, "
            + "and keep serving it after training until Ctrl-C")
    boolean serve;

    @Option(names = "--serve-port", paramLabel = "P", defaultValue = "8080",
            description = "the port of --serve (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int servePort;

    @Option(names = "--out", paramLabel = "DIR",
            description = "the run folder (default runs/<name>-<yyyyMMdd-HHmmss>); must not hold a run already")
    Path out;

    @Option(names = PluginSettings.TRUST_OPTION,
            description = "with --resume: load the plugin jars the run recorded in its plugins.json (each checked "
                    + "against its recorded SHA-256); without it code is loaded only from --plugins, "
                    + "$CHAINRULE_PLUGINS or plugins/")
    boolean trustRunPlugins;

    @Inject
    PluginSettings pluginSettings;
    @Inject
    RunPlugins runPlugins;

    private final ConfigPipeline configs;
    private final DataSource dataSource;
    private final NetworkFactory factory;
    private final Trainer trainer;
    private final RunWriter writer;
    private final ProgressSink progress;
    private final Terminal terminal;

    private final ObjectMapper mapper;
    private final ProviderRegistry registry;

    @Inject
    public TrainCommand(ConfigPipeline configs, DataSource dataSource, NetworkFactory factory, Trainer trainer,
            RunWriter writer, ProgressSink progress, Terminal terminal, ObjectMapper mapper, ProviderRegistry registry) {
        this.mapper = mapper;
        this.registry = registry;
        this.configs = configs;
        this.dataSource = dataSource;
        this.factory = factory;
        this.trainer = trainer;
        this.writer = writer;
        this.progress = progress;
        this.terminal = terminal;
    }

    /** The run folder's lock, held from before its first write until the command ends. */
    private RunLock lock;
    /** The run folder this start created (it did not exist or held no run), to remove if the start fails. */
    private Path started;
    private boolean startedNew;

    @Override
    public Integer call() {
        for (var o : new Object[][] {{"--out", out}, {"--data", data}, {"--resume", resume}}) {
            if (o[1] != null && o[1].toString().isEmpty()) {
                // Path.of("") is the working directory: never what an empty value (an unset variable) meant
                throw new BadInputException(o[0] + ": must be a folder path, got an empty string");
            }
        }
        if (trustRunPlugins && resume == null) {
            throw new BadInputException(PluginSettings.TRUST_OPTION + ": only with --resume RUN_DIR (a config's "
                    + "own \"plugins\" folder is used without it)");
        }
        try {
            return train();
        } catch (RuntimeException | Error e) {
            removeFailedStart();
            throw e;
        } finally {
            if (lock != null) {
                lock.close();
                lock = null;
            }
        }
    }

    /**
     * A start that failed before its first checkpoint leaves a folder with config.json and no way to resume
     * it, which would block the same {@code --out}: remove what this start wrote (under the lock, so nobody
     * else's files), and the folder if it made it.
     */
    private void removeFailedStart() {
        Path dir = started;
        started = null;
        if (dir == null || lock == null || Files.exists(dir.resolve(CheckpointStore.DIR))
                || Files.exists(dir.resolve(CheckpointStore.OLD))) {
            return;
        }
        try {
            RunFolderFiles.removeStart(dir, startedNew);
        } catch (java.io.IOException | RuntimeException e) {
            terminal.err().println("warning: could not remove the failed run's folder " + dir + " (" + e.getMessage() + ")");
        }
    }

    /** Where a run starts: its config, the checkpoint it resumes (or null), its folder and store (null: not made yet). */
    private record Start(RunConfig config, Checkpoint checkpoint, Path dir, CheckpointStore store) {
    }

    private Integer train() {
        if (servePort < 0 || servePort > 65535) {
            throw new BadInputException("--serve-port: must be from 0 to 65535, got " + servePort);
        }
        Start start = resume != null ? resumeStart() : freshStart();
        DataSource.Split split = dataSource.load(start.config().data());
        RunConfig c = start.config().resolveInput(split.train().features());
        Network network = dev.chainrule.engine.train.ClassCheck.build(factory, c, split.train(), split.test());
        if (start.checkpoint() != null) {
            start.store().check(start.checkpoint(), network, c);
        }
        MemoryNeed.of(network, c, registry.optimizer(c.training().optimizer().type()).stateSlots(),
                split.train(), split.test()).check(Runtime.getRuntime().maxMemory());
        // listen before the run folder is made, so a port in use leaves nothing behind
        AtomicReference<List<RunFolders.Root>> served = new AtomicReference<>(List.of());
        RunServer server = !serve ? null : ServeCommand.start(new RunFolders(served::get), "the run",
                "127.0.0.1", servePort, "--serve-port", registry, mapper, terminal);
        try {
            Start ready = prepareRunFolder(start, c);
            served.set(List.of(new RunFolders.Root(ready.dir(), ready.dir().toString())));
            trainAndReport(c, split, network, ready.checkpoint(), ready.dir(), ready.store());
        } catch (RuntimeException e) {
            if (server != null) {
                server.stop();
            }
            throw e;
        }
        started = null; // the run is complete: never taken back
        if (lock != null) {
            // serving only reads the finished run; a --resume of it need not wait for Ctrl-C
            lock.close();
            lock = null;
        }
        serveAfterTraining(server);
        return 0;
    }

    /**
     * {@code --resume RUN_DIR}: the run's own config.json and its last checkpoint, no overrides but --data; the
     * folder is locked and swept of leftovers first.
     */
    private Start resumeStart() {
        if (config != null || epochs != null || seed != null || batchSize != null || learningRate != null
                || out != null) {
            throw new BadInputException("--resume RUN_DIR: continues the run as its config.json says; give no "
                    + "CONFIG, --epochs, --seed, --batch-size, --learning-rate or --out with it");
        }
        Path cfg = resume.resolve(FileRunWriter.CONFIG_JSON);
        if (!Files.isRegularFile(cfg)) {
            throw new BadInputException("--resume " + resume + ": not a run folder (no " + FileRunWriter.CONFIG_JSON + ")");
        }
        lock = writer.lock(resume, "--resume " + resume);
        RunFolderFiles.sweep(resume);
        if (trustRunPlugins && pluginSettings != null) {
            pluginSettings.trustRecorded();
        }
        if (runPlugins != null) {
            runPlugins.checkBeforeLoading(resume);
        }
        RunConfig c;
        try {
            c = configs.readRecorded(cfg, cfg.toString());
        } catch (BadInputException e) {
            throw runPlugins == null ? e : runPlugins.withRecordHint(e);
        }
        if (data != null) {
            c = c.withDataDir(data);
        }
        CheckpointStore store = new CheckpointStore(resume, mapper);
        Checkpoint from = store.load();
        if (from == null) {
            throw new BadInputException("--resume " + resume + ": no checkpoint to resume from ("
                    + CheckpointStore.DIR + "/ missing); start the run again");
        }
        return new Start(c, from, resume, store);
    }

    /** {@code train CONFIG}: the config with the command line's overrides; the folder is made later. */
    private Start freshStart() {
        if (config == null) {
            throw new BadInputException("Missing required parameter: 'CONFIG' or --resume RUN_DIR (see 'runner train --help')");
        }
        return new Start(applyOverrides(configs.read(config, config.toString())), null, null, null);
    }

    /**
     * A new run folder, locked, with its config.json (and taken back if the start fails), or a resumed one with
     * metrics.jsonl cut back to the checkpoint.
     */
    private Start prepareRunFolder(Start start, RunConfig c) {
        if (start.dir() != null) {
            writer.rewriteMetrics(start.dir(), start.checkpoint().metrics());
            return start;
        }
        boolean existed = out != null && Files.isDirectory(out);
        Path dir = writer.prepare(c, out);
        lock = writer.lock(dir, out == null ? dir.toString() : "--out " + out);
        // another runner may have written a run here between prepare's check and the lock
        String held = RunFolderFiles.heldRun(dir);
        if (held != null) {
            throw new BadInputException((out == null ? dir : "--out " + out) + ": already holds a run ("
                    + held + "); choose another --out or remove it");
        }
        RunFolderFiles.sweep(dir);
        started = dir;
        startedNew = !existed;
        writer.writeConfig(dir, c);
        return new Start(c, null, dir, new CheckpointStore(dir, mapper));
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

    private void trainAndReport(RunConfig c, DataSource.Split split, Network network, Checkpoint from, Path dir,
            CheckpointStore store) {
        terminal.out().printf(Locale.ROOT, "%s: %d training and %d test samples, %d parameters, run folder %s%s%n",
                c.name(), split.train().size(), split.test().size(), parameterCount(network), dir,
                from == null ? "" : String.format(Locale.ROOT, ", resuming epoch %d at sample %d", from.epoch(),
                        from.position()));
        terminal.out().flush();
        Trainer.Result r = trainWhileDrawing(c, split, network, from, dir, store);
        writer.writeModel(dir, network, c, split.train().numClasses());
        writer.writeConfusion(dir, r.finalTest().confusion());
        List<String> notes = earlyStoppingNotes(c, r);
        boolean ranHere = r.epochs().size() > (from == null ? 0 : from.metrics().size());
        if (!notes.isEmpty() || !ranHere) {
            // the weights changed since the last epoch's report (best restored), or no epoch ran in this process
            report(dir, c, scanTest(c, network, split.test()), split.test().features(), r.epochs(), notes).run();
        }
        for (String note : notes) {
            terminal.out().println(c.name() + ": " + note);
        }
        int ran = r.epochs().isEmpty() ? c.training().epochs() : r.epochs().get(r.epochs().size() - 1).epoch();
        terminal.out().printf(Locale.ROOT, "%s: test accuracy %s after %d epoch%s (%.1f s), run folder %s%n", c.name(),
                Evaluation.percent(r.finalTest().accuracy()), ran, ran == 1 ? "" : "s", r.seconds(), dir);
        terminal.out().flush();
    }

    /**
     * Trains, printing and appending each epoch's metrics. Drawing the pictures takes as long as an epoch of the
     * notes' network, so a second thread draws them while the next epoch trains (the test scan itself runs on
     * the training thread, on the weights of that epoch); a drawing that fails (a full disk) stops the run at
     * the next batch, not after the last epoch.
     */
    private Trainer.Result trainWhileDrawing(RunConfig c, DataSource.Split split, Network network, Checkpoint from,
            Path dir, CheckpointStore store) {
        ConsoleMetrics console = new ConsoleMetrics(terminal.out(), c.training().epochs());
        List<EpochMetrics> seen = new ArrayList<>(from == null ? List.of() : from.metrics());
        ExecutorService drawer = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "report");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> drawn = new ArrayList<>();
        AtomicReference<Throwable> drawFailed = new AtomicReference<>();
        ProgressSink watched = new ProgressSink() {
            @Override
            public void epochStarted(int epoch, int epochs, int samples) {
                rethrow(drawFailed.get());
                progress.epochStarted(epoch, epochs, samples);
            }

            @Override
            public void advanced(int done) {
                rethrow(drawFailed.get());
                progress.advanced(done);
            }

            @Override
            public void epochFinished() {
                progress.epochFinished();
            }
        };
        Trainer.Result r;
        try {
            r = trainer.train(network, split.train(), split.test(), c, watched, new MetricsSink() {
                @Override
                public void epoch(EpochMetrics m) {
                    epoch(m, null);
                }

                @Override
                public void epoch(EpochMetrics m, Evaluation test) {
                    // At most one drawing runs beside training: the previous epoch's must be done (and its
                    // failure seen) before this epoch is recorded, so a failed write stops the run within an
                    // epoch even when drawing is slower than training, and drawings never pile up.
                    if (!drawn.isEmpty()) {
                        awaitAll(drawn.subList(drawn.size() - 1, drawn.size()));
                    }
                    console.epoch(m);
                    writer.appendMetrics(dir, m);
                    seen.add(m);
                    // the trainer's own test pass (with its most-wrong samples) when it hands it over
                    TestScan scan = test != null ? TestScan.of(test) : scanTest(c, network, split.test());
                    rethrow(drawFailed.get());
                    Runnable draw = report(dir, c, scan, split.test().features(), seen, List.of());
                    drawn.add(drawer.submit(() -> {
                        try {
                            draw.run();
                        } catch (RuntimeException | Error e) {
                            drawFailed.compareAndSet(null, e);
                            throw e;
                        }
                    }));
                }
            }, store, from);
        } finally {
            // also when training fails: let started drawings finish rather than leave temporary files behind
            drawer.shutdown();
            try {
                drawer.awaitTermination(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        awaitAll(drawn);
        return r;
    }

    /** What early stopping did, for the console and the report. */
    private static List<String> earlyStoppingNotes(RunConfig c, Trainer.Result r) {
        if (r.stoppedEarly()) {
            return List.of(String.format(Locale.ROOT, "Early stopping: the validation loss did not improve for %d "
                    + "epochs; the weights of epoch %d (the best validation loss) were restored.",
                    c.training().earlyStopping().patience(), r.bestEpoch()));
        }
        if (r.bestEpoch() > 0 && !r.epochs().isEmpty() && r.bestEpoch() != r.epochs().get(r.epochs().size() - 1).epoch()) {
            return List.of("The weights of epoch " + r.bestEpoch() + " (the best validation loss) were restored.");
        }
        return List.of();
    }

    private static TestScan scanTest(RunConfig c, Network network, Samples test) {
        return TestScan.of(network, test, c.training().evalBatchSize(), RunReport.WRONG_SHOWN);
    }

    /** The drawing of the run's pictures and report.html from a test scan; it may run on another thread. */
    private Runnable report(Path dir, RunConfig c, TestScan scan, int features, List<EpochMetrics> epochs,
            List<String> notes) {
        List<EpochPoint> points = new ArrayList<>();
        for (EpochMetrics m : epochs) {
            points.add(new EpochPoint(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testLoss(), m.testAccuracy(),
                    m.validationLoss(), m.learningRate()));
        }
        Map<String, Object> json = c.toJsonMap();
        return () -> writer.writeReport(dir, RunReport.sink(json, points, scan, features, notes));
    }

    /** A drawing's failure, rethrown on the training thread as it was. */
    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** Waits for the drawings in order; an error in one is rethrown as it was. */
    private static void awaitAll(List<Future<?>> drawn) {
        for (Future<?> f : drawn) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while drawing the report", e);
            } catch (ExecutionException e) {
                rethrow(e.getCause());
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    static long parameterCount(Network n) {
        long k = 0;
        for (var p : n.parameters()) {
            k += p.size();
        }
        return k;
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
        if (data != null) {
            c = c.withDataDir(data);
        }
        return c;
    }

    private static void check(String option, int v, int min, int max) {
        if (v < min || v > max) {
            throw new BadInputException(option + ": must be an integer from " + min + " to " + max + ", got " + v);
        }
    }
}
