package dev.chainrule.engine.train;

import dev.chainrule.engine.base.BadInputException;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.CheckFailedException;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.registry.ProviderRegistry;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Minibatch training with the config's optimizer ({@code training.optimizer}, any registered
 * {@link Optimizer}; the name is historical): every epoch, shuffle the training indices (Fisher–Yates), walk
 * them in batches (the last partial batch included) and step with the batch's gradients, the optimizer's
 * learning rate α of each epoch set from the config's schedule.
 *
 * <p>Resumable: the order of epoch e is a pure function of (seed, e) — the identity permutation shuffled by a
 * {@link SplittableRandom} seeded from both — so a {@link Checkpoint} (weights, the optimizer's state
 * buffers and step counter, epoch, position,
 * the epoch's running sums, early-stopping state) is the whole state, and a resumed run computes exactly
 * the same bits as one never stopped.
 *
 * <p>Early stopping holds out a seeded validation split of the training set, measures its loss after each
 * epoch, stops after {@code patience} epochs without improvement and restores the best epoch's weights.
 *
 * <p>Checkpoints on a time budget: an epoch-end checkpoint is written after the first epoch, after the last
 * one (or an early stop), and otherwise only when the last checkpoint is at least {@link #CHECKPOINT_EVERY_NANOS}
 * old, so tiny data do not spend most of an epoch forcing files to disk; {@code training.checkpointEvery}'s
 * mid-epoch checkpoints are written as configured. When the {@link ProgressSink} asks to stop (a SIGTERM), the
 * state after the current batch is checkpointed and {@link Stopped} thrown. The weights never depend on when
 * checkpoints are written: a resume from any of them continues with the same bits.
 *
 * <p>The hot loop allocates nothing per sample and checks only each batch's loss for divergence; the
 * weights are checked before each checkpoint and at epoch ends, and a divergence is diagnosed by replaying
 * from the last snapshot ({@link Divergence}).
 */
public class SgdTrainer implements Trainer {
    /** Decorrelates the shuffle stream from the layers' initialiser seeds. */
    private static final long SHUFFLE_SALT = 0x5DEECE66DL;
    /**
     * An epoch-end checkpoint is skipped while the last one is younger than this: a kill then loses at most
     * this much training, and an epoch of tiny data (a few ms) is not dominated by the checkpoint's fsyncs.
     */
    public static final long CHECKPOINT_EVERY_NANOS = 5_000_000_000L;

    /** The clock of the checkpoint budget (a test's clock makes the schedule of checkpoints exact). */
    private java.util.function.LongSupplier clock = System::nanoTime;

    private final ProviderRegistry registry;
    /** Where a sharded run's shards are computed (training.shards &gt; 1). */
    private final ShardGradients.Factory shardFactory;

    /** With the built-in optimizers only (class path). */
    public SgdTrainer() {
        this(null);
    }

    public SgdTrainer(ProviderRegistry registry) {
        this(registry, ShardGradients.LOCAL);
    }

    @Inject
    public SgdTrainer(ProviderRegistry registry, ShardBackend shards) {
        this(registry, (ShardGradients.Factory) shards);
    }

    public SgdTrainer(ProviderRegistry registry, ShardGradients.Factory shards) {
        this.registry = registry;
        this.shardFactory = shards;
    }

    /** This trainer with {@code nanoTime} as the clock of the checkpoint budget (tests). */
    SgdTrainer withClock(java.util.function.LongSupplier nanoTime) {
        this.clock = nanoTime;
        return this;
    }

    /**
     * Training stopped on request ({@link ProgressSink#stopRequested}) after checkpointing the state at
     * {@code epoch}, sample {@code position}; {@code saved} is false without a store.
     */
    public static final class Stopped extends RuntimeException {
        private final int epoch;
        private final int position;
        private final boolean saved;

        Stopped(int epoch, int position, boolean saved) {
            super("training stopped on request in epoch " + epoch + " at sample " + position
                    + (saved ? " (checkpointed)" : ""), null, false, false);
            this.epoch = epoch;
            this.position = position;
            this.saved = saved;
        }

        public int epoch() {
            return epoch;
        }

        public int position() {
            return position;
        }

        public boolean saved() {
            return saved;
        }
    }

    @Override
    public Result train(Network network, Samples all, Samples test, RunConfig config, ProgressSink progress,
            MetricsSink metrics, CheckpointStore store, Checkpoint resume) {
        Optimizer optimizer = NetworkFactory.optimizer(registry != null ? registry : ProviderRegistry.builtIn(), config);
        Run run = new Run(network, all, test, config, optimizer, progress, metrics, store, clock);
        // a resumed run starts from a checkpoint on disk; a fresh one writes its first after epoch 1
        run.lastCheckpoint = resume != null ? clock.getAsLong() : Long.MIN_VALUE;
        TrainingState state = run.restoreOrStart(resume);
        long runStart = System.nanoTime();
        if (config.training().shards() > 1) {
            ShardedStep.check(network, config);
            try (ShardGradients shards = shardFactory.open(config, network, run.train)) {
                run.shards = shards;
                while (state.epoch <= config.training().epochs() && !state.stopped) {
                    run.runEpoch(state);
                }
            }
        } else {
            while (state.epoch <= config.training().epochs() && !state.stopped) {
                run.runEpoch(state);
            }
        }
        return run.finish(state, (System.nanoTime() - runStart) / 1e9);
    }

    /** One training run: what stays fixed while it runs (the mutable part is a {@link TrainingState}). */
    private static final class Run {
        private final Network network;
        private final Samples train;
        /** Early stopping's held-out split, or null. */
        private final Samples validation;
        private final Samples test;
        private final RunConfig config;
        private final RunConfig.Training t;
        private final Optimizer optimizer;
        private final List<Parameter> params;
        private final ProgressSink progress;
        private final MetricsSink metrics;
        private final CheckpointStore store;
        private final int n;
        private final int b;
        private final Batch full;
        /** The last partial batch's buffers, or null when b divides n. */
        private final Batch tail;
        /** The test evaluation of the last finished epoch, or null. */
        private Evaluation lastTest;
        /** The state to replay from when a batch diverges: the epoch start or the last checkpoint. */
        private Snapshot snapshot;
        /** A sharded run's shard computation (training.shards &gt; 1), else null. */
        private ShardGradients shards;
        private final java.util.function.LongSupplier clock;
        /** When the last checkpoint was written ({@link #clock}), {@code Long.MIN_VALUE}: none by this run yet. */
        private long lastCheckpoint;

        Run(Network network, Samples all, Samples test, RunConfig config, Optimizer optimizer, ProgressSink progress,
                MetricsSink metrics, CheckpointStore store, java.util.function.LongSupplier clock) {
            this.network = network;
            this.clock = clock;
            this.test = test;
            this.config = config;
            this.t = config.training();
            this.optimizer = optimizer;
            this.params = network.parameters();
            this.progress = progress;
            this.metrics = metrics;
            this.store = store;
            Samples[] split = trainingSplit(all, config);
            this.train = split[0];
            this.validation = split[1];
            this.n = train.size();
            this.b = Math.min(t.batchSize(), Math.max(1, n));
            int targets = train.regression() ? train.numClasses() : 0;
            this.full = new Batch(b, train.features(), targets);
            this.tail = n % b > 0 ? new Batch(n % b, train.features(), targets) : null;
        }

        /** A fresh state, or the checkpoint's weights, optimizer state and loop state after checking it fits. */
        TrainingState restoreOrStart(Checkpoint resume) {
            if (resume == null) {
                return new TrainingState();
            }
            if (!t.optimizer().type().equals(resume.optimizer())) {
                throw new BadInputException("--resume: the checkpoint holds the state of optimizer '" + resume.optimizer()
                        + "' but the run's config asks for '" + t.optimizer().type()
                        + "'; resume with the optimizer the run started with");
            }
            restore(network, optimizer, resume.weights(), resume.optimizerState());
            int position = resume.position();
            // a checkpoint stops between batches; a position that does not fall on this run's batch grid
            // means the data changed under the run (--resume --data with another training set)
            if (position < 0 || position > n || position % b != 0 && position != n) {
                throw new BadInputException("--resume: the checkpoint stopped at sample " + position + " of an epoch, "
                        + "which does not fit " + n + " training samples in batches of " + b
                        + "; resume with the data the run started with");
            }
            return TrainingState.of(resume);
        }

        /**
         * The rest of the current epoch from {@code state.position}: its learning rate, its batches (with
         * checkpoints when due), then its evaluation, early-stopping decision and epoch-end checkpoint.
         */
        void runEpoch(TrainingState state) {
            int epoch = state.epoch;
            int startPosition = state.position;
            double lr = t.schedule().rate(t.optimizer().learningRate(), epoch, t.epochs());
            optimizer.setLearningRate(lr);
            int[] order = epochOrder(n, config.seed(), epoch, t.shuffle());
            snapshot = new Snapshot(startPosition, copy(network), copyState(optimizer, params));
            progress.epochStarted(epoch, t.epochs(), n);
            long start = System.nanoTime();
            long nextCheckpoint = nextCheckpointAfter(startPosition);
            while (state.position < n) {
                trainBatch(state, order);
                if (progress.stopRequested()) {
                    stop(state, order);
                }
                if (state.position >= nextCheckpoint && state.position < n) {
                    checkpoint(state, order);
                    nextCheckpoint = nextCheckpointAfter(state.position);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.epochFinished();
            checkWeights(order, epoch);
            double[] validationResult = evaluateValidation();
            earlyStoppingDecision(state, validationResult[0]);
            lastTest = Evaluator.evaluate(network, test, t.evalBatchSize(), Evaluator.MOST_WRONG_KEPT);
            if (Double.isNaN(lastTest.meanLoss())) {
                throw new CheckFailedException("training diverged: test loss is NaN after epoch " + epoch);
            }
            RegressionMetrics reg = lastTest.regression();
            EpochMetrics m = new EpochMetrics(epoch, n == 0 ? 0 : state.lossSum / n, lastTest.meanLoss(),
                    lastTest.accuracy(), seconds, (n - startPosition) / Math.max(seconds, 1e-9),
                    train.regression() ? Double.NaN : n == 0 ? 0 : (double) state.correct / n, lr,
                    validationResult[0], validationResult[1], state.bestEpoch,
                    reg == null ? Double.NaN : reg.r2(), reg == null ? Double.NaN : reg.mse(),
                    reg == null ? Double.NaN : reg.mae());
            state.done.add(m);
            state.nextEpoch();
            boolean last = state.epoch > t.epochs() || state.stopped;
            if (store != null && (last || lastCheckpoint == Long.MIN_VALUE
                    || clock.getAsLong() - lastCheckpoint >= CHECKPOINT_EVERY_NANOS)) {
                save(state);
            }
            metrics.epoch(m, lastTest);
            if (!last && progress.stopRequested()) {
                stop(state, order);
            }
        }

        private void save(TrainingState state) {
            store.save(state.checkpoint(copy(network), t.optimizer().type(), copyState(optimizer, params)));
            lastCheckpoint = clock.getAsLong();
        }

        /** A stop request: the state after the last batch checkpointed (finite weights only), then {@link Stopped}. */
        private void stop(TrainingState state, int[] order) {
            if (store != null) {
                checkWeights(order, state.epoch);
                save(state);
            }
            throw new Stopped(state.epoch, state.position, store != null);
        }

        /** One optimizer step on the batch at {@code state.position}, its loss and hits added to the sums. */
        private void trainBatch(TrainingState state, int[] order) {
            int from = state.position;
            int count = Math.min(b, n - from);
            Batch batch = count == b ? full : tail;
            train.fill(order, from, count, batch.x, batch.labels);
            double l;
            if (shards != null) {
                List<ShardedStep.Shard> parts = shards.compute(state.epoch, order, from, count);
                l = ShardedStep.apply(network, optimizer, parts, count);
                if (!Double.isFinite(l)) {
                    progress.epochFinished();
                    throw diverged("loss is " + l, order, state.epoch);
                }
                state.lossSum += l;
                state.correct += ShardedStep.correct(parts);
                state.position = from + count;
                progress.advanced(state.position, l);
                return;
            }
            if (batch.targets != null) {
                train.fillTargets(order, from, count, batch.targets);
                l = network.trainStep(batch.x, batch.targets, optimizer,
                        trainingContext(config.seed(), state.epoch, from, n, b));
            } else {
                l = network.trainStep(batch.x, batch.labels, optimizer,
                        trainingContext(config.seed(), state.epoch, from, n, b));
            }
            if (!Double.isFinite(l)) {
                progress.epochFinished();
                throw diverged("loss is " + l, order, state.epoch);
            }
            state.lossSum += l;
            Tensor out = network.trainingOutput();
            for (int r = 0; batch.targets == null && r < count; r++) {
                if (Evaluator.argmax(out, r) == batch.labels[r]) {
                    state.correct++;
                }
            }
            state.position = from + count;
            progress.advanced(state.position, l);
        }

        /** The sample count after which the next mid-epoch checkpoint is due (never without a store). */
        private long nextCheckpointAfter(int position) {
            return store != null && t.checkpointEvery() > 0
                    ? (position / t.checkpointEvery() + 1L) * t.checkpointEvery() : Long.MAX_VALUE;
        }

        /** A mid-epoch checkpoint of finite weights, which also becomes the replay snapshot. */
        private void checkpoint(TrainingState state, int[] order) {
            String bad = Divergence.badState(network);
            if (bad != null) {
                progress.epochFinished();
                throw diverged(bad, order, state.epoch);
            }
            save(state);
            snapshot = new Snapshot(state.position, copy(network), copyState(optimizer, params));
        }

        private void checkWeights(int[] order, int epoch) {
            String bad = Divergence.badState(network);
            if (bad != null) {
                throw diverged(bad, order, epoch);
            }
        }

        /** The validation split's mean loss and accuracy, NaN without early stopping. */
        private double[] evaluateValidation() {
            if (validation == null) {
                return new double[] {Double.NaN, Double.NaN};
            }
            Evaluation v = Evaluator.evaluate(network, validation, t.evalBatchSize());
            return new double[] {v.meanLoss(), v.accuracy()};
        }

        /** Keeps the best epoch's weights; stops after {@code patience} epochs without improvement. */
        private void earlyStoppingDecision(TrainingState state, double validationLoss) {
            if (validation == null) {
                return;
            }
            if (validationLoss < state.bestLoss - t.earlyStopping().minDelta()) {
                state.bestLoss = validationLoss;
                state.bestEpoch = state.epoch;
                state.badEpochs = 0;
                state.best = copy(network);
            } else {
                state.badEpochs++;
                state.stopped = state.badEpochs >= t.earlyStopping().patience();
            }
        }

        /** Restores the best epoch's weights when early stopping kept others; the final test evaluation. */
        Result finish(TrainingState state, double seconds) {
            List<EpochMetrics> done = state.done;
            boolean restored = false;
            if (validation != null && state.best != null
                    && (done.isEmpty() || state.bestEpoch != done.get(done.size() - 1).epoch())) {
                restore(network, optimizer, state.best, null);
                restored = true;
            }
            Evaluation last = lastTest;
            if (last == null || restored) {
                last = Evaluator.evaluate(network, test, t.evalBatchSize(), Evaluator.MOST_WRONG_KEPT);
            }
            return new Result(done, last, seconds, state.stopped, state.bestEpoch);
        }

        private CheckFailedException diverged(String what, int[] order, int epoch) {
            return SgdTrainer.diverged(what, network, optimizer, snapshot, train, order, b, epoch, store, config.seed());
        }
    }

    /**
     * The samples a run trains on and early stopping's held-out validation split (null without early stopping):
     * the trainer's and a sharded run's executors' (spark module) one definition, so both walk the same rows.
     */
    public static Samples[] trainingSplit(Samples all, RunConfig config) {
        RunConfig.EarlyStopping es = config.training().earlyStopping();
        return es == null ? new Samples[] {all, null} : all.validationSplit(es.validationFraction(), config.seed());
    }

    /** A batch's input and label (or target) buffers, reused for every batch of that size. */
    private static final class Batch {
        final Tensor x;
        final int[] labels;
        /** A regression's targets, {@code rows × T}; null for class labels. */
        final Tensor targets;

        Batch(int rows, int features, int targetCount) {
            x = new Tensor(rows, features);
            labels = new int[rows];
            targets = targetCount > 0 ? new Tensor(rows, targetCount) : null;
        }
    }

    /**
     * The forward context of the batch starting at sample {@code from} of epoch {@code epoch}: training, at
     * global step {@code (epoch − 1)·⌈n/b⌉ + from/b}. The step is a function of the position alone, so a
     * resumed run (which restores epoch and position) gives stages the same random draws as an uninterrupted
     * one, with no generator state in the checkpoint.
     */
    static ForwardContext trainingContext(long seed, int epoch, int from, int n, int b) {
        long perEpoch = (n + (long) b - 1) / b;
        return ForwardContext.training(seed, (epoch - 1L) * perEpoch + from / b);
    }

    /** The state at the start of a stretch of batches, for replaying it. */
    private record Snapshot(int position, double[][] weights, double[][] state) {
    }

    private static CheckFailedException diverged(String what, Network network, Optimizer sgd, Snapshot snap, Samples train,
            int[] order, int b, int epoch, CheckpointStore store, long seed) {
        List<Parameter> params = network.parameters();
        int n = train.size();
        String detail = "the replay from the last snapshot did not reproduce it";
        int at = -1;
        int row = 0;
        int bad = -1;
        if (train.regression()) {
            // the replay steps through class labels; a regression's divergence is reported without it
            detail = "the loss or a weight (regression targets are not replayed step by step)";
        } else {
            // First pass: the training steps themselves (trainStep, fused for plain SGD: the same bits as the run),
            // to find the first batch whose loss or weights go non-finite.
            restore(network, sgd, snap.weights(), snap.state());
            for (int from = snap.position(); from < n && bad < 0; from += b) {
                int count = Math.min(b, n - from);
                Tensor bx = new Tensor(count, train.features());
                int[] by = new int[count];
                train.fill(order, from, count, bx, by);
                if (!Double.isFinite(network.trainStep(bx, by, sgd, trainingContext(seed, epoch, from, n, b)))
                        || !Divergence.weightsFinite(network)) {
                    bad = from;
                }
            }
            if (bad >= 0) {
                // Second pass: the same steps up to that batch, then that batch stage by stage (the unfused VJPs,
                // each checked), from exactly the weights the run had before it.
                restore(network, sgd, snap.weights(), snap.state());
                for (int from = snap.position(); from <= bad; from += b) {
                    int count = Math.min(b, n - from);
                    Tensor bx = new Tensor(count, train.features());
                    int[] by = new int[count];
                    train.fill(order, from, count, bx, by);
                    if (from < bad) {
                        network.trainStep(bx, by, sgd, trainingContext(seed, epoch, from, n, b));
                        continue;
                    }
                    at = from;
                    Divergence.Finding finding = Divergence.checkedStep(network, bx, by, sgd,
                            trainingContext(seed, epoch, from, n, b));
                    detail = finding != null ? finding.where()
                            : "the update of this batch (its step-by-step check, with the gradient summed before the step, stayed finite)";
                    row = finding != null ? finding.row() : 0;
                }
            }
        }
        String sample = at < 0 ? "" : row < 0 ? String.format(Locale.ROOT, " in the batch of samples %d..%d of %d", at,
                Math.min(n, at + b) - 1, n) : String.format(Locale.ROOT, " at sample %d of %d (training index %d%s)",
                at + row, n, train instanceof SubsetSamples s ? s.baseIndex(order[at + row]) : order[at + row],
                b > 1 ? ", batch " + at + ".." + (Math.min(n, at + b) - 1) : "");
        String cp = store == null ? "no checkpoint"
                : store.hasCheckpoint() ? "the last good checkpoint " + store.dir() + " is intact"
                : "no checkpoint was written before it, so the run cannot be resumed; start it again";
        return new CheckFailedException(String.format(Locale.ROOT,
                "training diverged: %s in epoch %d%s: first non-finite value in %s; %s; try a smaller "
                        + "training.optimizer.learningRate (now %s)", what, epoch, sample, detail, cp,
                Divergence.fmt(sgd.learningRate())));
    }

    /** The order of epoch {@code e}: the identity, shuffled by a generator seeded from (seed, e) alone. */
    public static int[] epochOrder(int n, long seed, int epoch, boolean shuffle) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            shuffle(order, new SplittableRandom(mix(seed ^ SHUFFLE_SALT, epoch)));
        }
        return order;
    }

    private static long mix(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * epoch;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Each parameter's values in row-major order, then each network buffer's values (running statistics),
     * so one list carries the weights a checkpoint, a snapshot or the best epoch needs.
     */
    static double[][] copy(Network network) {
        List<Parameter> params = network.parameters();
        List<Buffer> buffers = network.buffers();
        double[][] out = new double[params.size() + buffers.size()][];
        for (int i = 0; i < params.size(); i++) {
            out[i] = params.get(i).toRowMajor();
        }
        for (int j = 0; j < buffers.size(); j++) {
            out[params.size() + j] = buffers.get(j).values().clone();
        }
        return out;
    }

    /**
     * The optimizer's state ({@link Optimizer#state}: moments, velocities, step counters), each buffer as the
     * optimizer stores it: only this optimizer reads it back, into the same buffers of the same network.
     */
    static double[][] copyState(Optimizer optimizer, List<Parameter> params) {
        List<Buffer> state = optimizer.state(params);
        double[][] out = new double[state.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = state.get(i).values().clone();
        }
        return out;
    }

    static void restore(Network network, Optimizer optimizer, double[][] weights, double[][] state) {
        List<Parameter> params = network.parameters();
        List<Buffer> buffers = network.buffers();
        if (weights.length != params.size() + buffers.size()) {
            throw new IllegalArgumentException("checkpoint has " + weights.length + " arrays, the network "
                    + params.size() + " parameters and " + buffers.size() + " buffers");
        }
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            p.setFromRowMajor(weights[i]);
        }
        for (int j = 0; j < buffers.size(); j++) {
            double[] src = weights[params.size() + j];
            double[] dst = buffers.get(j).values();
            if (src.length != dst.length) {
                throw new IllegalArgumentException("checkpoint buffer " + j + " has " + src.length + " values, the network's "
                        + buffers.get(j).name() + " " + dst.length);
            }
            System.arraycopy(src, 0, dst, 0, dst.length);
        }
        if (state != null) {
            List<Buffer> live = optimizer.state(params);
            if (live.size() != state.length) {
                throw new BadInputException("checkpoint has " + state.length + " optimizer state arrays, the optimizer "
                        + live.size() + "; resume with the optimizer options the run started with");
            }
            for (int k = 0; k < state.length; k++) {
                double[] dst = live.get(k).values();
                if (state[k].length != dst.length) {
                    throw new BadInputException("checkpoint optimizer state " + k + " has " + state[k].length
                            + " values, the optimizer's " + live.get(k).name() + " " + dst.length);
                }
                System.arraycopy(state[k], 0, dst, 0, dst.length);
            }
        }
    }

    /** Fisher–Yates: every permutation equally likely, in place. */
    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }
}
