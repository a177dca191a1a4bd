package dev.chainrule.engine.train;

/** Receives each epoch's metrics as soon as it ends (console line, metrics.jsonl, the report). */
public interface MetricsSink {
    void epoch(EpochMetrics metrics);

    /**
     * The epoch's metrics with the test evaluation they came from (its confusion matrix and most-wrong
     * samples feed the report, so the test set is scanned once per epoch). By default only the metrics.
     */
    default void epoch(EpochMetrics metrics, Evaluation test) {
        epoch(metrics);
    }
}
