package dev.chainrule.engine.train;

import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.config.RunConfig;
import java.util.List;

/** Trains a network on a split as the config's {@code training} section says. */
public interface Trainer {

    /** Trains in place without checkpoints; returns per-epoch metrics and the final test evaluation. */
    default Result train(Network network, Samples train, Samples test, RunConfig config, ProgressSink progress,
            MetricsSink metrics) {
        return train(network, train, test, config, progress, metrics, null, null);
    }

    /**
     * Trains in place, saving checkpoints into {@code store} (null: none) and starting from {@code resume}
     * (null: from the start).
     */
    Result train(Network network, Samples train, Samples test, RunConfig config, ProgressSink progress,
            MetricsSink metrics, CheckpointStore store, Checkpoint resume);

    /** @param stoppedEarly early stopping ended training and the best epoch's weights were restored */
    record Result(List<EpochMetrics> epochs, Evaluation finalTest, double seconds, boolean stoppedEarly,
            int bestEpoch) {
        public Result(List<EpochMetrics> epochs, Evaluation finalTest, double seconds) {
            this(epochs, finalTest, seconds, false, 0);
        }
    }
}
