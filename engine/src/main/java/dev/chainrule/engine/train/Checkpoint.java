package dev.chainrule.engine.train;

import java.util.List;
import java.util.Objects;

/**
 * The full training state at a batch boundary: training resumes at sample {@link #position} of epoch
 * {@link #epoch} (1-based; position 0 after an epoch end) and continues exactly as if never stopped, because
 * the order of epoch e is a pure function of (seed, e) and everything else that changes is here.
 *
 * <p>Built by name ({@link #builder()}): twelve fields of four types are too easy to swap by position.
 */
public final class Checkpoint {
    private final int epoch;
    private final int position;
    private final double lossSum;
    private final long correct;
    private final List<EpochMetrics> metrics;
    private final double bestValidationLoss;
    private final int bestEpoch;
    private final int badEpochs;
    private final boolean stopped;
    private final double[][] weights;
    private final double[][] optimizerState;
    private final double[][] best;
    private final String optimizer;

    private Checkpoint(Builder b) {
        this.epoch = b.epoch;
        this.position = b.position;
        this.lossSum = b.lossSum;
        this.correct = b.correct;
        this.metrics = List.copyOf(b.metrics);
        this.bestValidationLoss = b.bestValidationLoss;
        this.bestEpoch = b.bestEpoch;
        this.badEpochs = b.badEpochs;
        this.stopped = b.stopped;
        this.weights = Objects.requireNonNull(b.weights, "weights");
        this.optimizerState = Objects.requireNonNull(b.optimizerState, "optimizerState");
        this.best = b.best;
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
    }

    /** A checkpoint at epoch 1, sample 0, with no finished epoch and no early-stopping history yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** The epoch to resume (1-based). */
    public int epoch() {
        return epoch;
    }

    /** The sample of {@link #epoch} to resume at: a multiple of the batch size, 0 after an epoch end. */
    public int position() {
        return position;
    }

    /** The epoch's summed training loss so far. */
    public double lossSum() {
        return lossSum;
    }

    /** The epoch's correctly classified training samples so far. */
    public long correct() {
        return correct;
    }

    /** Every finished epoch. */
    public List<EpochMetrics> metrics() {
        return metrics;
    }

    /** The best validation loss so far under early stopping (+∞ before the first). */
    public double bestValidationLoss() {
        return bestValidationLoss;
    }

    /** The epoch of {@link #bestValidationLoss}, 0 for none. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** Epochs since the validation loss last improved. */
    public int badEpochs() {
        return badEpochs;
    }

    /** Early stopping has ended training (only the restore of the best weights is left). */
    public boolean stopped() {
        return stopped;
    }

    /** Each parameter's values, row-major (docs/math.md order), then the network's buffers. */
    public double[][] weights() {
        return weights;
    }

    /** The optimizer's state buffers ({@code Optimizer.state}), as it stores them. */
    public double[][] optimizerState() {
        return optimizerState;
    }

    /** The best weights so far under early stopping, or null. */
    public double[][] best() {
        return best;
    }

    /** The type id of the optimizer whose state this is. */
    public String optimizer() {
        return optimizer;
    }

    /** Names every field of a {@link Checkpoint}; unset ones keep the values of a run's very start. */
    public static final class Builder {
        private int epoch = 1;
        private int position;
        private double lossSum;
        private long correct;
        private List<EpochMetrics> metrics = List.of();
        private double bestValidationLoss = Double.POSITIVE_INFINITY;
        private int bestEpoch;
        private int badEpochs;
        private boolean stopped;
        private double[][] weights;
        private double[][] optimizerState;
        private double[][] best;
        private String optimizer;

        private Builder() {
        }

        /** Resume at sample {@code position} of epoch {@code epoch}. */
        public Builder at(int epoch, int position) {
            this.epoch = epoch;
            this.position = position;
            return this;
        }

        /** The epoch's running sums up to {@link #at}'s position. */
        public Builder runningSums(double lossSum, long correct) {
            this.lossSum = lossSum;
            this.correct = correct;
            return this;
        }

        public Builder metrics(List<EpochMetrics> metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Early stopping's state: the best validation loss, its epoch, the epochs since, stopped or not. */
        public Builder earlyStopping(double bestValidationLoss, int bestEpoch, int badEpochs, boolean stopped) {
            this.bestValidationLoss = bestValidationLoss;
            this.bestEpoch = bestEpoch;
            this.badEpochs = badEpochs;
            this.stopped = stopped;
            return this;
        }

        public Builder weights(double[][] weights) {
            this.weights = weights;
            return this;
        }

        /** The optimizer's type id and its state buffers. */
        public Builder optimizer(String type, double[][] state) {
            this.optimizer = type;
            this.optimizerState = state;
            return this;
        }

        public Builder best(double[][] best) {
            this.best = best;
            return this;
        }

        public Checkpoint build() {
            return new Checkpoint(this);
        }
    }
}
