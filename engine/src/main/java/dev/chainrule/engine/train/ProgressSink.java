package dev.chainrule.engine.train;

/** Progress within an epoch, for a bar or periodic lines. */
public interface ProgressSink {
    void epochStarted(int epoch, int epochs, int samples);

    /** {@code done} samples of the epoch are through; called after every batch (the sink throttles). */
    void advanced(int done);

    void epochFinished();
}
