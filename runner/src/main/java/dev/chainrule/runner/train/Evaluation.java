package dev.chainrule.runner.train;

/**
 * A model's score on a sample set: the mean per-sample loss, the share of argmax predictions that equal
 * the label, and the confusion matrix {@code confusion[true][predicted]}.
 */
public record Evaluation(double meanLoss, double accuracy, int[][] confusion, int samples) {

    /** {@code 97.31%}: the form training and evaluate both print. */
    public static String percent(double accuracy) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * accuracy);
    }
}
