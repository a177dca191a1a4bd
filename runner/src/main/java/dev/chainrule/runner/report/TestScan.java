package dev.chainrule.runner.report;

import dev.chainrule.api.Network;
import dev.chainrule.api.Tensor;
import dev.chainrule.runner.train.Samples;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One pass of a model over the test set for the report: the confusion matrix
 * {@code confusion[true][predicted]} and the misclassified samples the model is most sure of, i.e. with
 * the smallest probability {@code h(x)_y} on the true class (the largest loss {@code −ln h(x)_y}).
 */
public record TestScan(int[][] confusion, List<Wrong> mostWrong, int samples) {

    /** A misclassified test sample, its pixels (the feature row as the network saw it) and the two labels. */
    public record Wrong(int index, int trueLabel, int predicted, double trueProbability, double predictedProbability,
            double[] pixels) {
    }

    /** Scans {@code test} in batches of {@code batchSize}, keeping the {@code keep} most wrong samples. */
    public static TestScan of(Network network, Samples test, int batchSize, int keep) {
        int n = test.size();
        int k = Math.max(network.outputSize(), test.numClasses());
        int[][] confusion = new int[k][k];
        // max-heap on the true-class probability, so the least wrong of the kept ones leaves first
        PriorityQueue<Wrong> worst = new PriorityQueue<>(Comparator.comparingDouble(Wrong::trueProbability).reversed());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int b = Math.max(1, Math.min(batchSize, n));
        for (int from = 0; from < n; from += b) {
            int count = Math.min(b, n - from);
            Tensor x = new Tensor(count, test.features());
            int[] y = new int[count];
            test.fill(order, from, count, x, y);
            Tensor p = Probabilities.of(network, x);
            for (int r = 0; r < count; r++) {
                int pred = argmax(p, r);
                confusion[y[r]][pred]++;
                if (pred != y[r] && keep > 0) {
                    double pt = p.get(r, y[r]);
                    if (worst.size() < keep || pt < worst.peek().trueProbability()) {
                        worst.add(new Wrong(from + r, y[r], pred, pt, p.get(r, pred), x.rowCopy(r)));
                        if (worst.size() > keep) {
                            worst.poll();
                        }
                    }
                }
            }
        }
        List<Wrong> sorted = new ArrayList<>(worst);
        sorted.sort(Comparator.comparingDouble(Wrong::trueProbability).thenComparingInt(Wrong::index));
        return new TestScan(confusion, sorted, n);
    }

    /** Share of the diagonal. */
    public double accuracy() {
        long right = 0;
        for (int i = 0; i < confusion.length; i++) {
            right += confusion[i][i];
        }
        return samples == 0 ? 0 : (double) right / samples;
    }

    static int argmax(Tensor t, int r) {
        int best = 0;
        for (int j = 1; j < t.cols(); j++) {
            if (t.get(r, j) > t.get(r, best)) {
                best = j;
            }
        }
        return best;
    }
}
