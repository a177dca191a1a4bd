package dev.chainrule.runner.train;

import dev.chainrule.api.Network;
import dev.chainrule.runner.config.RunConfig;
import java.util.List;

/** Trains a network on a split as the config's {@code training} section says. */
public interface Trainer {

    /** Trains in place; returns per-epoch metrics and the final test evaluation. */
    Result train(Network network, Samples train, Samples test, RunConfig config, ProgressSink progress,
            MetricsSink metrics);

    record Result(List<EpochMetrics> epochs, Evaluation finalTest, double seconds) {
    }
}
