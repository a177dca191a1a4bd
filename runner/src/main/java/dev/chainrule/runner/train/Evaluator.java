package dev.chainrule.runner.train;

import dev.chainrule.api.Network;
import dev.chainrule.api.Tensor;

/** Runs a network over a sample set in large batches and scores it. */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * The argmax of {@link Network#trainingOutput()} is the predicted class: it is the logits when the
     * loss is fused with a softmax, and softmax preserves the argmax, so both forms agree with
     * {@code predict}.
     */
    public static Evaluation evaluate(Network network, Samples samples, int batchSize) {
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
        double lossSum = 0;
        int correct = 0;
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
            lossSum += network.forward(bx, by);
            Tensor out = network.trainingOutput();
            for (int r = 0; r < count; r++) {
                int p = argmax(out, r);
                confusion[by[r]][p]++;
                if (p == by[r]) {
                    correct++;
                }
            }
        }
        return new Evaluation(n == 0 ? 0 : lossSum / n, n == 0 ? 0 : (double) correct / n, confusion, n);
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
