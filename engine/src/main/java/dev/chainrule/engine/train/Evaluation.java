package dev.chainrule.engine.train;

import java.util.List;

/**
 * A model's score on a sample set: the mean per-sample loss, the share of argmax predictions that equal
 * the label, the confusion matrix {@code confusion[true][predicted]}, and (when asked for) the
 * misclassified samples the model was most sure of.
 */
public record Evaluation(double meanLoss, double accuracy, int[][] confusion, int samples, List<Wrong> mostWrong,
        RegressionMetrics regression) {

    public Evaluation(double meanLoss, double accuracy, int[][] confusion, int samples) {
        this(meanLoss, accuracy, confusion, samples, List.of());
    }

    public Evaluation(double meanLoss, double accuracy, int[][] confusion, int samples, List<Wrong> mostWrong) {
        this(meanLoss, accuracy, confusion, samples, mostWrong, null);
    }

    /** A regression's score: the mean loss and MSE, MAE and R² in the targets' own units; no accuracy. */
    public static Evaluation ofRegression(double meanLoss, int samples, RegressionMetrics metrics) {
        return new Evaluation(meanLoss, Double.NaN, new int[0][0], samples, List.of(), metrics);
    }

    public boolean isRegression() {
        return regression != null;
    }

    /** The headline figure as training and evaluate print it: test accuracy, or R², MSE and MAE. */
    public String headline() {
        if (regression == null) {
            return "test accuracy " + percent(accuracy);
        }
        return String.format(java.util.Locale.ROOT, "test R² %.4f, MSE %s, MAE %s", regression.r2(),
                fmt(regression.mse()), fmt(regression.mae()));
    }

    private static String fmt(double v) {
        return v != 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3) ? String.format(java.util.Locale.ROOT, "%.4g", v)
                : String.format(java.util.Locale.ROOT, "%.4f", v);
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
