package dev.chainrule.runner.train;

import dev.chainrule.api.Network;
import dev.chainrule.api.Sgd;
import dev.chainrule.api.Tensor;
import dev.chainrule.runner.CheckFailedException;
import dev.chainrule.runner.config.RunConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The notes' SGD: every epoch, reshuffle the training indices (Fisher–Yates driven by one
 * {@link SplittableRandom} seeded from the config seed, so runs are reproducible), walk them in batches
 * (the last partial batch included) and step with the batch's mean gradient
 * ({@code θ ← θ − α·ḡ}, optionally with momentum).
 *
 * <p>The hot loop allocates nothing per sample: one batch tensor and label array are reused, and the
 * trailing partial batch gets its own pair, allocated once.
 */
public class SgdTrainer implements Trainer {
    /** Decorrelates the shuffle stream from the layers' initialiser seeds. */
    private static final long SHUFFLE_SALT = 0x5DEECE66DL;

    @Override
    public Result train(Network network, Samples train, Samples test, RunConfig config, ProgressSink progress,
            MetricsSink metrics) {
        RunConfig.Training t = config.training();
        Sgd sgd = new Sgd(t.optimizer().learningRate(), t.optimizer().momentum());
        int n = train.size();
        int f = train.features();
        int b = Math.min(t.batchSize(), Math.max(1, n));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(config.seed() ^ SHUFFLE_SALT);
        Tensor x = new Tensor(b, f);
        int[] labels = new int[b];
        int tail = n % b;
        Tensor xTail = tail > 0 ? new Tensor(tail, f) : null;
        int[] labelsTail = tail > 0 ? new int[tail] : null;

        List<EpochMetrics> all = new ArrayList<>();
        Evaluation last = null;
        long runStart = System.nanoTime();
        for (int epoch = 1; epoch <= t.epochs(); epoch++) {
            if (t.shuffle()) {
                shuffle(order, rng);
            }
            progress.epochStarted(epoch, t.epochs(), n);
            long start = System.nanoTime();
            double lossSum = 0;
            for (int from = 0; from < n; from += b) {
                int count = Math.min(b, n - from);
                Tensor bx = count == b ? x : xTail;
                int[] by = count == b ? labels : labelsTail;
                train.fill(order, from, count, bx, by);
                double l = network.trainStep(bx, by, sgd);
                if (!Double.isFinite(l)) {
                    progress.epochFinished();
                    throw new CheckFailedException("training diverged: loss is " + l + " in epoch " + epoch
                            + " at sample " + from + " of " + n + "; try a smaller training.optimizer.learningRate"
                            + " (now " + t.optimizer().learningRate() + ")");
                }
                lossSum += l;
                progress.advanced(from + count);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.epochFinished();
            last = Evaluator.evaluate(network, test, t.evalBatchSize());
            if (!Double.isFinite(last.meanLoss()) && !Double.isInfinite(last.meanLoss())) {
                throw new CheckFailedException("training diverged: test loss is NaN after epoch " + epoch);
            }
            EpochMetrics m = new EpochMetrics(epoch, n == 0 ? 0 : lossSum / n, last.meanLoss(), last.accuracy(),
                    seconds, n / Math.max(seconds, 1e-9));
            all.add(m);
            metrics.epoch(m);
        }
        return new Result(all, last, (System.nanoTime() - runStart) / 1e9);
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
