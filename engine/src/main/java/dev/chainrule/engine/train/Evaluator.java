package dev.chainrule.engine.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Tensor;
import dev.chainrule.kernels.Sums;

/** Runs a network over a sample set in large batches and scores it. */
public final class Evaluator {
    /** How many most-wrong test samples an epoch's evaluation keeps for the report. */
    public static final int MOST_WRONG_KEPT = 25;

    private Evaluator() {
    }

    /**
     * The argmax of {@link Network#trainingOutput()} is the predicted class: it is the logits when the
     * loss is fused with a softmax, and softmax preserves the argmax, so both forms agree with
     * {@code predict}.
     */
    public static Evaluation evaluate(Network network, Samples samples, int batchSize) {
        return evaluate(network, samples, batchSize, 0);
    }

    /**
     * As {@link #evaluate(Network, Samples, int)}, also keeping the {@code keepWrong} misclassified samples
     * with the smallest probability on their true class, in that order (ties by index) — what the run's
     * report shows, found in the same pass.
     */
    public static Evaluation evaluate(Network network, Samples samples, int batchSize, int keepWrong) {
        if (samples.regression()) {
            return regression(network, samples, batchSize);
        }
        int n = samples.size();
        int k = network.outputSize();
        int classes = Math.max(k, samples.numClasses());
        int[][] confusion = new int[classes][classes];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int b = Math.min(batchSize, Math.max(1, n));
        Tensor x = new Tensor(b, samples.features());
        int[] labels = new int[b];
        Tensor xTail = null;
        int[] labelsTail = null;
        Sums.Accumulator lossSum = new Sums.Accumulator();
        int correct = 0;
        // max-heap on the true-class probability, so the least wrong of the kept ones leaves first
        PriorityQueue<Evaluation.Wrong> worst = new PriorityQueue<>(
                Comparator.comparingDouble(Evaluation.Wrong::trueProbability).reversed());
        double[] prob = new double[k];
        for (int from = 0; from < n; from += b) {
            int count = Math.min(b, n - from);
            Tensor bx = x;
            int[] by = labels;
            if (count < b) {
                xTail = new Tensor(count, samples.features());
                labelsTail = new int[count];
                bx = xTail;
                by = labelsTail;
            }
            samples.fill(order, from, count, bx, by);
            lossSum.add(network.forward(bx, by));
            Tensor out = network.trainingOutput();
            for (int r = 0; r < count; r++) {
                int p = argmax(out, r);
                confusion[by[r]][p]++;
                if (p == by[r]) {
                    correct++;
                } else if (keepWrong > 0) {
                    probabilities(out, r, network.isFused(), prob);
                    double pt = prob[by[r]];
                    if (worst.size() < keepWrong || pt < worst.peek().trueProbability()) {
                        worst.add(new Evaluation.Wrong(from + r, by[r], p, pt, prob[p], bx.rowCopy(r)));
                        if (worst.size() > keepWrong) {
                            worst.poll();
                        }
                    }
                }
            }
        }
        List<Evaluation.Wrong> sorted = new ArrayList<>(worst);
        sorted.sort(Comparator.comparingDouble(Evaluation.Wrong::trueProbability).thenComparingInt(Evaluation.Wrong::index));
        return new Evaluation(n == 0 ? 0 : lossSum.sum() / n, n == 0 ? 0 : (double) correct / n, confusion, n, sorted);
    }

    /**
     * A regression's score: the mean loss (on the targets as the network learns them) and MSE, MAE and R² of
     * the predictions in the targets' own units, accumulated in row order.
     */
    static Evaluation regression(Network network, Samples samples, int batchSize) {
        int n = samples.size();
        int t = samples.numClasses();
        dev.chainrule.engine.config.RunConfig.Fitted fit = samples.fitted();
        RegressionMetrics metrics = new RegressionMetrics(t);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int b = Math.min(batchSize, Math.max(1, n));
        Sums.Accumulator lossSum = new Sums.Accumulator();
        for (int from = 0; from < n; from += b) {
            int count = Math.min(b, n - from);
            Tensor bx = new Tensor(count, samples.features());
            Tensor by = new Tensor(count, t);
            samples.fill(order, from, count, bx, new int[count]);
            samples.fillTargets(order, from, count, by);
            lossSum.add(network.forward(bx, by, dev.chainrule.api.ForwardContext.inference()));
            Tensor out = network.trainingOutput();
            double[] p = new double[count * t];
            double[] y = new double[count * t];
            for (int r = 0; r < count; r++) {
                for (int k = 0; k < t; k++) {
                    p[r * t + k] = fit == null ? out.get(r, k) : fit.unscaleTarget(k, out.get(r, k));
                    y[r * t + k] = fit == null ? by.get(r, k) : fit.unscaleTarget(k, by.get(r, k));
                }
            }
            metrics.add(p, y, count);
        }
        return Evaluation.ofRegression(n == 0 ? 0 : lossSum.sum() / n, n, metrics);
    }

    /**
     * Class probabilities of row {@code r} of a network's output into {@code into}: the row itself when it is
     * already a distribution, else its softmax computed stably, {@code exp(x_i − logsumexp(x))} — the
     * logits of a fused softmax-cross-entropy network, or raw scores (e.g. a linear output trained with MSE).
     */
    public static void probabilities(Tensor out, int r, boolean logits, double[] into) {
        double[] d = out.data();
        int off = out.offset(r);
        int n = out.cols();
        if (!logits && isDistribution(d, off, n)) {
            System.arraycopy(d, off, into, 0, n);
            return;
        }
        double c = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            c = Math.max(c, d[off + j]);
        }
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.exp(d[off + j] - c);
        }
        double lse = c + Math.log(s);
        for (int j = 0; j < n; j++) {
            into[j] = Math.exp(d[off + j] - lse);
        }
    }

    private static boolean isDistribution(double[] d, int off, int n) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double v = d[off + j];
            if (!(v >= 0 && v <= 1)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1) < 1e-6;
    }

    /** The first index of the largest entry of row {@code r} (ties go to the lower class). */
    public static int argmax(Tensor t, int r) {
        double[] d = t.data();
        int off = t.offset(r);
        int best = 0;
        for (int j = 1; j < t.cols(); j++) {
            if (d[off + j] > d[off + best]) {
                best = j;
            }
        }
        return best;
    }
}
