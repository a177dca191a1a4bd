package dev.chainrule.runner.train;

/**
 * What one epoch gave: the mean per-sample training loss over the epoch (measured during the epoch, as the
 * weights moved), the mean per-sample test loss and the test accuracy after it, its wall time and speed.
 */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, double testAccuracy, double seconds,
        double samplesPerSecond) {
}
