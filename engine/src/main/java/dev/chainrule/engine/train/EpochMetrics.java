package dev.chainrule.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch gave: the mean per-sample training loss over the epoch (measured during the epoch, as the
 * weights moved), the mean per-sample test loss and the test accuracy after it, its wall time and speed;
 * the training accuracy measured the same way as the training loss, the learning rate the schedule gave
 * the epoch, and with early stopping the validation loss and accuracy and the best epoch so far
 * ({@code NaN} and 0 without early stopping).
 */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, double testAccuracy, double seconds,
        double samplesPerSecond, double trainAccuracy, double learningRate, double validationLoss,
        double validationAccuracy, int bestEpoch, double testR2, double testMse, double testMae) {

    /** A classifier's epoch (no regression figures). */
    public EpochMetrics(int epoch, double trainLoss, double testLoss, double testAccuracy, double seconds,
            double samplesPerSecond, double trainAccuracy, double learningRate, double validationLoss,
            double validationAccuracy, int bestEpoch) {
        this(epoch, trainLoss, testLoss, testAccuracy, seconds, samplesPerSecond, trainAccuracy, learningRate,
                validationLoss, validationAccuracy, bestEpoch, Double.NaN, Double.NaN, Double.NaN);
    }

    /** A regression's epoch: R², MSE and MAE on the test data in the targets' units, no accuracy. */
    public boolean isRegression() {
        return Double.isFinite(testR2) || Double.isFinite(testMse);
    }

    /** Without the fields added for reports, schedules and early stopping. */
    public EpochMetrics(int epoch, double trainLoss, double testLoss, double testAccuracy, double seconds,
            double samplesPerSecond) {
        this(epoch, trainLoss, testLoss, testAccuracy, seconds, samplesPerSecond, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, 0);
    }

    /** One metrics.jsonl line; figures not measured are left out. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("epoch", epoch);
        o.put("trainLoss", trainLoss);
        putFinite(o, "trainAccuracy", trainAccuracy);
        o.put("testLoss", testLoss);
        if (isRegression()) {
            putFinite(o, "testR2", testR2);
            putFinite(o, "testMse", testMse);
            putFinite(o, "testMae", testMae);
        } else {
            o.put("testAccuracy", testAccuracy);
        }
        putFinite(o, "learningRate", learningRate);
        putFinite(o, "validationLoss", validationLoss);
        putFinite(o, "validationAccuracy", validationAccuracy);
        if (bestEpoch > 0) {
            o.put("bestEpoch", bestEpoch);
        }
        o.put("seconds", seconds);
        o.put("samplesPerSecond", samplesPerSecond);
        return o;
    }

    /** Reads a {@link #toJsonMap()} back (from a checkpoint). */
    public static EpochMetrics fromJson(com.fasterxml.jackson.databind.JsonNode n) {
        return new EpochMetrics(n.path("epoch").asInt(), d(n, "trainLoss"), d(n, "testLoss"), d(n, "testAccuracy"),
                d(n, "seconds"), d(n, "samplesPerSecond"), d(n, "trainAccuracy"), d(n, "learningRate"),
                d(n, "validationLoss"), d(n, "validationAccuracy"), n.path("bestEpoch").asInt(0), d(n, "testR2"),
                d(n, "testMse"), d(n, "testMae"));
    }

    private static double d(com.fasterxml.jackson.databind.JsonNode n, String k) {
        return n.hasNonNull(k) ? n.get(k).asDouble() : Double.NaN;
    }

    private static void putFinite(Map<String, Object> o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        }
    }
}
