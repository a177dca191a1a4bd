package dev.chainrule.runner.train;

/** Receives each epoch's metrics as soon as it ends (console line, metrics.jsonl). */
public interface MetricsSink {
    void epoch(EpochMetrics metrics);
}
