package dev.chainrule.engine.train;

import java.util.List;

/**
 * A model's score on a sample set: the mean per-sample loss, the share of argmax predictions that equal
 * the label, the confusion matrix {@code confusion[true][predicted]}, and (when asked for) the
 * misclassified samples the model was most sure of.
 */
public record Evaluation(double meanLoss, double accuracy, int[][] confusion, int samples, List<Wrong> mostWrong) {

    public Evaluation(double meanLoss, double accuracy, int[][] confusion, int samples) {
        this(meanLoss, accuracy, confusion, samples, List.of());
    }

    /**
     * A misclassified sample: its index in the set, the two labels, the model's probabilities of each, and
     * the feature row as the network saw it.
     */
    public record Wrong(int index, int trueLabel, int predicted, double trueProbability, double predictedProbability,
            double[] pixels) {
    }

    /** {@code 97.31%}: the form training and evaluate both print. */
    public static String percent(double accuracy) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * accuracy);
    }
}
