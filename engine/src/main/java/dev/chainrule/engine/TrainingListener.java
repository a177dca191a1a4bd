package dev.chainrule.engine;

import dev.chainrule.engine.train.EpochMetrics;

/**
 * Told each epoch's figures as soon as the epoch ends (after they are in the run folder's metrics.jsonl), on
 * the training thread: keep it quick. An exception thrown here stops the run; the run folder stays resumable
 * from its last checkpoint.
 */
@FunctionalInterface
public interface TrainingListener {
    /** The epoch's training loss, test loss and accuracy, learning rate and time. */
    void epoch(EpochMetrics metrics);
}
