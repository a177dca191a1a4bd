package dev.chainrule.engine.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.output.FileRunWriter;
import dev.chainrule.engine.output.RunFolderFiles;
import dev.chainrule.engine.output.RunLock;
import dev.chainrule.engine.output.RunWriter;
import dev.chainrule.engine.output.StepLog;
import dev.chainrule.engine.train.SgdTrainer;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.plugins.RunPlugins;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.report.EpochPoint;
import dev.chainrule.engine.report.RunReport;
import dev.chainrule.engine.report.TestScan;
import dev.chainrule.engine.train.Checkpoint;
import dev.chainrule.engine.train.CheckpointStore;
import dev.chainrule.engine.train.ClassCheck;
import dev.chainrule.engine.train.ConsoleMetrics;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.EpochMetrics;
import dev.chainrule.engine.train.Evaluation;
import dev.chainrule.engine.train.MemoryNeed;
import dev.chainrule.engine.train.MetricsSink;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.train.ProgressSink;
import dev.chainrule.engine.train.Samples;
import dev.chainrule.engine.train.Trainer;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One training run into a run folder, start to finish: a fresh start from a config (the folder made, locked and
 * taken back if the start fails before its first checkpoint) or a resume from a folder's last checkpoint; the
 * data, the network, the memory check, training with checkpoints, metrics.jsonl, the model files, the pictures
 * and report.html (drawn on a second thread while the next epoch trains). {@code runner train} and the Java
 * facade both run this, so the two give the same bits.
 */
public class TrainingRun {

    /**
     * What to run.
     *
     * @param config          the run's config for a fresh start (null with {@code resume})
     * @param resume          a run folder to continue from its last checkpoint (null: a fresh start)
     * @param resumeData      with {@code resume}: a folder of IDX files instead of the recorded data (null: recorded)
     * @param out             the new run's folder (null: runs/&lt;name&gt;-&lt;time&gt;)
     * @param trustRunPlugins with {@code resume}: load the plugin jars the run recorded
     * @param folderReady     told the run folder once it exists and is locked (e.g. to serve it); may be null
     * @param listener        told each epoch's metrics besides the console and metrics.jsonl; may be null
     */
    public record Request(RunConfig config, Path resume, Path resumeData, Path out, boolean trustRunPlugins,
            Consumer<Path> folderReady, MetricsSink listener) {
        /** A fresh start of {@code config} into {@code out}. */
        public static Request fresh(RunConfig config, Path out) {
            return new Request(config, null, null, out, false, null, null);
        }

        public Request withFolderReady(Consumer<Path> hook) {
            return new Request(config, resume, resumeData, out, trustRunPlugins, hook, listener);
        }

        public Request withListener(MetricsSink l) {
            return new Request(config, resume, resumeData, out, trustRunPlugins, folderReady, l);
        }
    }

    /** A finished run: its folder, config, trained network and the trainer's result. */
    public record Outcome(Path dir, RunConfig config, Network network, int numClasses, Trainer.Result result) {
    }

    private final ConfigPipeline configs;
    private final DataSource dataSource;
    private final NetworkFactory factory;
    private final Trainer trainer;
    private final RunWriter writer;
    private final ProgressSink progress;
    private final Terminal terminal;
    private final ObjectMapper mapper;
    private final PluginSettings pluginSettings;
    private final RunPlugins runPlugins;
    private final ProviderRegistry registry;

    /** Pictures and report.html are redrawn at most this often (and at the first and last epoch). */
    static final long DRAW_EVERY_NANOS = 2_000_000_000L;
    /**
     * How long a SIGTERM waits for the training thread to checkpoint after its current batch: a supervisor
     * usually sends SIGKILL some 10 to 30 s after SIGTERM; a batch that takes longer loses the budget's work.
     */
    static final long STOP_WAIT_SECONDS = 10;

    /** The last epoch whose pictures were drawn while training (0: none). */
    private final int[] lastDrawnEpoch = {0};

    /** The run folder's lock, held from before its first write until the run ends. */
    private RunLock lock;
    /** The run folder this start created (it did not exist or held no run), to remove if the start fails. */
    private Path started;
    private boolean startedNew;

    @Inject
    public TrainingRun(ConfigPipeline configs, DataSource dataSource, NetworkFactory factory, Trainer trainer,
            RunWriter writer, ProgressSink progress, Terminal terminal, ObjectMapper mapper,
            PluginSettings pluginSettings, RunPlugins runPlugins, ProviderRegistry registry) {
        this.configs = configs;
        this.dataSource = dataSource;
        this.factory = factory;
        this.trainer = trainer;
        this.writer = writer;
        this.progress = progress;
        this.terminal = terminal;
        this.mapper = mapper;
        this.pluginSettings = pluginSettings;
        this.runPlugins = runPlugins;
        this.registry = registry;
    }

    /** Runs the request; the run folder is unlocked when this returns or throws. */
    public Outcome run(Request request) {
        if (request.trustRunPlugins() && request.resume() == null) {
            throw new BadInputException(PluginSettings.TRUST_OPTION + ": only with --resume RUN_DIR (a config's "
                    + "own \"plugins\" folder is used without it)");
        }
        try {
            return train(request);
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

    private Outcome train(Request request) {
        Start start = request.resume() != null ? resumeStart(request) : new Start(request.config(), null, null, null);
        DataSource.Split split = dataSource.load(start.config().data());
        RunConfig c = withFitted(start.config(), split).resolveInput(split.train().features());
        Network network = ClassCheck.build(factory, c, split.train(), split.test());
        dev.chainrule.engine.train.ShardedStep.check(network, c);
        if (start.checkpoint() != null) {
            start.store().check(start.checkpoint(), network, c);
        }
        MemoryNeed.of(network, c, registry.optimizer(c.training().optimizer().type()).stateSlots(),
                split.train(), split.test()).check(Runtime.getRuntime().maxMemory());
        Start ready = prepareRunFolder(start, c, request.out());
        if (request.folderReady() != null) {
            request.folderReady().accept(ready.dir());
        }
        Trainer.Result r = trainAndReport(c, split, network, ready.checkpoint(), ready.dir(), ready.store(),
                request.listener());
        started = null; // the run is complete: never taken back
        return new Outcome(ready.dir(), c, network, split.train().numClasses(), r);
    }

    /** The config with what the engine learned from the training data (class names, scaling), to record it. */
    static RunConfig withFitted(RunConfig c, DataSource.Split split) {
        RunConfig.Fitted f = split.train().fitted();
        return f == null || f.equals(c.data().fitted()) ? c : c.withData(c.data().withFitted(f));
    }

    /**
     * {@code --resume RUN_DIR}: the run's own config.json and its last checkpoint, no overrides but the data
     * folder; the folder is locked and swept of leftovers first.
     */
    private Start resumeStart(Request request) {
        Path resume = request.resume();
        Path cfg = resume.resolve(FileRunWriter.CONFIG_JSON);
        if (!Files.isRegularFile(cfg)) {
            throw new BadInputException("--resume " + resume + ": not a run folder (no " + FileRunWriter.CONFIG_JSON + ")");
        }
        lock = writer.lock(resume, "--resume " + resume);
        RunFolderFiles.sweep(resume);
        if (request.trustRunPlugins() && pluginSettings != null) {
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
        if (request.resumeData() != null) {
            c = c.withDataDir(request.resumeData());
        }
        CheckpointStore store = new CheckpointStore(resume, mapper);
        Checkpoint from = store.load();
        if (from == null) {
            throw new BadInputException("--resume " + resume + ": no checkpoint to resume from ("
                    + CheckpointStore.DIR + "/ missing); start the run again");
        }
        return new Start(c, from, resume, store);
    }

    /**
     * A new run folder, locked, with its config.json (and taken back if the start fails), or a resumed one with
     * metrics.jsonl cut back to the checkpoint.
     */
    private Start prepareRunFolder(Start start, RunConfig c, Path out) {
        if (start.dir() != null) {
            writer.rewriteMetrics(start.dir(), start.checkpoint().metrics());
            writer.cutBackSteps(start.dir(), start.checkpoint().epoch(), start.checkpoint().position());
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

    private Trainer.Result trainAndReport(RunConfig c, DataSource.Split split, Network network, Checkpoint from,
            Path dir, CheckpointStore store, MetricsSink listener) {
        terminal.out().printf(Locale.ROOT, "%s: %d training and %d test samples, %d parameters, run folder %s%s%n",
                c.name(), split.train().size(), split.test().size(), parameterCount(network), dir,
                from == null ? "" : String.format(Locale.ROOT, ", resuming epoch %d at sample %d", from.epoch(),
                        from.position()));
        terminal.out().flush();
        Trainer.Result r = trainWhileDrawing(c, split, network, from, dir, store, listener);
        writer.syncLogs(dir);
        writer.writeModel(dir, network, c, split.train().numClasses());
        if (split.train().regression()) {
            // a regression has no confusion matrix
        } else if (split.train().classNames() != null) {
            writer.writeConfusion(dir, r.finalTest().confusion(), split.train().classNames());
        } else {
            writer.writeConfusion(dir, r.finalTest().confusion());
        }
        List<String> notes = earlyStoppingNotes(c, r);
        boolean ranHere = r.epochs().size() > (from == null ? 0 : from.metrics().size());
        int lastEpoch = r.epochs().isEmpty() ? 0 : r.epochs().get(r.epochs().size() - 1).epoch();
        if (!notes.isEmpty() || !ranHere || lastDrawnEpoch[0] != lastEpoch) {
            // the weights changed since the last epoch's report (best restored), or no epoch ran in this process
            report(dir, c, scanTest(c, network, split.test()), split.test().shape(), r.epochs(), notes).run();
        }
        for (String note : notes) {
            terminal.out().println(c.name() + ": " + note);
        }
        int ran = r.epochs().isEmpty() ? c.training().epochs() : r.epochs().get(r.epochs().size() - 1).epoch();
        terminal.out().printf(Locale.ROOT, "%s: %s after %d epoch%s (%.1f s), run folder %s%n", c.name(),
                r.finalTest().headline(), ran, ran == 1 ? "" : "s", r.seconds(), dir);
        terminal.out().flush();
        return r;
    }

    /**
     * Trains, printing and appending each epoch's metrics. Drawing the pictures takes as long as an epoch of the
     * notes' network, so a second thread draws them while the next epoch trains (the test scan itself runs on
     * the training thread, on the weights of that epoch); a drawing that fails (a full disk) stops the run at
     * the next batch, not after the last epoch.
     */
    private Trainer.Result trainWhileDrawing(RunConfig c, DataSource.Split split, Network network, Checkpoint from,
            Path dir, CheckpointStore store, MetricsSink listener) {
        ConsoleMetrics console = new ConsoleMetrics(terminal.out(), c.training().epochs());
        List<EpochMetrics> seen = new ArrayList<>(from == null ? List.of() : from.metrics());
        ExecutorService drawer = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "report");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> drawn = new ArrayList<>();
        List<EpochMetrics> unrecorded = new ArrayList<>();
        long[] lastDraw = {0};
        lastDrawnEpoch[0] = 0;
        AtomicReference<Throwable> drawFailed = new AtomicReference<>();
        RunConfig.Training t = c.training();
        StepLog steps = writer.openSteps(dir, from == null, Math.min(t.batchSize(), Math.max(1, split.train().size())),
                e -> t.schedule().rate(t.optimizer().learningRate(), e, t.epochs()));
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        ProgressSink watched = new ProgressSink() {
            @Override
            public void epochStarted(int epoch, int epochs, int samples) {
                rethrow(drawFailed.get());
                if (steps != null) {
                    steps.epochStarted(epoch, samples);
                }
                progress.epochStarted(epoch, epochs, samples);
            }

            @Override
            public void advanced(int done) {
                rethrowUnlessStopping(drawFailed.get(), stop);
                progress.advanced(done);
            }

            @Override
            public void advanced(int done, double batchLoss) {
                rethrowUnlessStopping(drawFailed.get(), stop);
                if (steps != null) {
                    steps.batch(done, batchLoss);
                }
                progress.advanced(done);
            }

            @Override
            public void epochFinished() {
                progress.epochFinished();
            }

            @Override
            public boolean stopRequested() {
                return stop.get();
            }
        };
        // a clean stop (SIGTERM, Ctrl-C): the trainer checkpoints after its current batch, and the JVM ends
        // once that is on disk, so a stop loses no training even when the last epoch-end checkpoint was skipped
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Trainer.Result r;
        if (store != null) {
            // a checkpoint (mid-epoch or at the next epoch's end) waits for the last epoch's pictures: a failed
            // picture or report write stops the run at the epoch it belongs to, whose checkpoint is the last
            // (not while stopping: a drawing then fails because the JVM is ending, e.g. when the first one's fonts
            // register a shutdown hook; the resumed run draws every picture again)
            store.beforeEachSave(() -> {
                if (stop.get()) {
                    return;
                }
                if (!drawn.isEmpty()) {
                    awaitAll(drawn.subList(drawn.size() - 1, drawn.size()));
                }
                rethrow(drawFailed.get());
            });
        }
        try {
            r = trainer.train(network, split.train(), split.test(), c, watched, new MetricsSink() {
                @Override
                public void epoch(EpochMetrics m) {
                    epoch(m, null);
                }

                @Override
                public void epoch(EpochMetrics m, Evaluation test) {
                    // Pictures take ~0.1 s (seconds on a busy machine); on tiny data an epoch takes less, so they
                    // are drawn at the first and the last epoch and otherwise at most every DRAW_EVERY_NANOS (the
                    // weights never depend on it). At most one drawing runs beside training: one that comes due
                    // while the previous one still runs is put off until it is done, so training waits for a
                    // drawing only at the last epoch, and drawings never pile up.
                    console.epoch(m);
                    seen.add(m);
                    if (stop.get()) {
                        return; // the trainer checkpoints next and stops; the resumed run rewrites metrics.jsonl
                    }
                    long now = System.nanoTime();
                    Future<?> previous = drawn.isEmpty() ? null : drawn.get(drawn.size() - 1);
                    boolean due = previous == null || m.epoch() >= c.training().epochs()
                            || now - lastDraw[0] >= DRAW_EVERY_NANOS && previous.isDone();
                    if (due && previous != null) {
                        awaitAll(List.of(previous));
                    }
                    rethrow(drawFailed.get());
                    // An epoch is recorded in metrics.jsonl only once the drawing before it is done and did not
                    // fail, so a failed picture stops the run with nothing recorded past its epoch; while that
                    // drawing runs, the epochs after it wait here (in memory) instead of training waiting for it.
                    unrecorded.add(m);
                    if (previous == null || previous.isDone()) {
                        if (previous != null) {
                            awaitAll(List.of(previous));
                        }
                        for (EpochMetrics u : unrecorded) {
                            writer.appendMetrics(dir, u);
                        }
                        unrecorded.clear();
                    }
                    lastDrawnEpoch[0] = due ? m.epoch() : lastDrawnEpoch[0];
                    if (listener != null && !due) {
                        listener.epoch(m, test);
                    }
                    if (!due) {
                        return;
                    }
                    // the trainer's own test pass (with its most-wrong samples) when it hands it over
                    TestScan scan = test != null ? TestScan.of(test) : scanTest(c, network, split.test());
                    lastDraw[0] = now;
                    Runnable draw = report(dir, c, scan, split.test().shape(), seen, List.of());
                    drawn.add(drawer.submit(() -> {
                        try {
                            draw.run();
                        } catch (RuntimeException | Error e) {
                            drawFailed.compareAndSet(null, e);
                            throw e;
                        }
                    }));
                    if (listener != null) {
                        listener.epoch(m, test);
                    }
                }
            }, store, from);
        } catch (SgdTrainer.Stopped s) {
            terminal.err().printf(Locale.ROOT, "%s: stopped in epoch %d at sample %d%s%n", c.name(), s.epoch(),
                    s.position(), s.saved() ? "; checkpointed, continue with: train --resume " + dir : "");
            terminal.err().flush();
            stopped.countDown();
            // only a signal asks to stop: the JVM is ending and halts once its hooks return; nothing more may
            // be written to the folder (the lock is the OS's until then)
            while (true) {
                java.util.concurrent.locks.LockSupport.park();
            }
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already ending
            }
            if (steps != null) {
                steps.close();
            }
            if (store != null) {
                store.beforeEachSave(null);
            }
            // also when training fails: let started drawings finish rather than leave temporary files behind
            drawer.shutdown();
            try {
                drawer.awaitTermination(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        awaitAll(drawn);
        // an early stop ends on an epoch that was not due for a drawing: its line and any before it
        for (EpochMetrics u : unrecorded) {
            writer.appendMetrics(dir, u);
        }
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
    private Runnable report(Path dir, RunConfig c, TestScan scan, dev.chainrule.api.Shape shape, List<EpochMetrics> epochs,
            List<String> notes) {
        List<EpochPoint> points = new ArrayList<>();
        for (EpochMetrics m : epochs) {
            // a regression's chart of the test score shows R² where a classifier's shows accuracy
            points.add(new EpochPoint(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testLoss(),
                    m.isRegression() ? m.testR2() : m.testAccuracy(), m.validationLoss(), m.learningRate()));
        }
        Map<String, Object> json = c.toJsonMap();
        return () -> writer.writeReport(dir, RunReport.sink(json, points, scan, shape, notes));
    }

    /** {@link #rethrow} unless a stop was asked for: the stop's checkpoint must not wait for a failed picture. */
    private static void rethrowUnlessStopping(Throwable t, AtomicBoolean stop) {
        if (!stop.get()) {
            rethrow(t);
        }
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

    /** The number of trained values. */
    public static long parameterCount(Network n) {
        long k = 0;
        for (var p : n.parameters()) {
            k += p.size();
        }
        return k;
    }
}
