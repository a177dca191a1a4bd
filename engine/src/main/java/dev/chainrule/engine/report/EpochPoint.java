package dev.chainrule.engine.report;

/**
 * One epoch as the report draws it. Figures that a run did not measure are {@code NaN} (a run without a
 * validation split has no validation loss) and are left out of the charts.
 *
 * @param trainLoss     mean per-sample training loss over the epoch (measured while the weights moved)
 * @param trainAccuracy share of training samples whose argmax was right when they were stepped on
 * @param learningRate  the rate the epoch used (after the schedule)
 */
public record EpochPoint(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
        double validationLoss, double learningRate) {
}
