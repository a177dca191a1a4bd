package dev.chainrule.engine.report;

import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.train.Evaluation;
import dev.chainrule.engine.train.Evaluator;
import dev.chainrule.engine.train.Samples;
import java.util.List;

/**
 * What the report shows of a model on the test set: the confusion matrix {@code confusion[true][predicted]}
 * and the misclassified samples the model is most sure of, i.e. with the smallest probability
 * {@code h(x)_y} on the true class (the largest loss {@code −ln h(x)_y}).
 */
public record TestScan(int[][] confusion, List<Evaluation.Wrong> mostWrong, int samples) {

    /** The scan within an evaluation (made with {@code keepWrong} > 0). */
    public static TestScan of(Evaluation e) {
        return new TestScan(e.confusion(), e.mostWrong(), e.samples());
    }

    /** Scans {@code test} in batches of {@code batchSize}, keeping the {@code keep} most wrong samples. */
    public static TestScan of(Network network, Samples test, int batchSize, int keep) {
        return of(Evaluator.evaluate(network, test, batchSize, keep));
    }

    /** Share of the diagonal. */
    public double accuracy() {
        long right = 0;
        for (int i = 0; i < confusion.length; i++) {
            right += confusion[i][i];
        }
        return samples == 0 ? 0 : (double) right / samples;
    }
}
