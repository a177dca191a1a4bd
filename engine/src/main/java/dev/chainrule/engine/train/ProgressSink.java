package dev.chainrule.engine.train;

/** Progress within an epoch, for a bar or periodic lines, a per-step log, and a way to ask the loop to stop. */
public interface ProgressSink {
    void epochStarted(int epoch, int epochs, int samples);

    /** {@code done} samples of the epoch are through; called after every batch (the sink throttles). */
    void advanced(int done);

    /**
     * {@code done} samples of the epoch are through and the batch that ended there had summed loss
     * {@code batchLoss} (the sum whose mean over the epoch is metrics.jsonl's {@code trainLoss}); the trainer
     * calls this one after every batch. By default only {@link #advanced(int)}.
     */
    default void advanced(int done, double batchLoss) {
        advanced(done);
    }

    void epochFinished();

    /**
     * Whether the trainer should stop after the current batch (checkpointing where it is first); asked after
     * every batch and epoch, so it must be cheap. By default never.
     */
    default boolean stopRequested() {
        return false;
    }
}
