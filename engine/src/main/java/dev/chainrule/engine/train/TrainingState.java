package dev.chainrule.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * What the training loop changes as it runs, apart from the weights and the optimizer's state: where it is
 * (epoch, position), the epoch's running sums, the finished epochs and early stopping's record. Together with
 * those two it is a {@link Checkpoint}; a fresh run starts at epoch 1, sample 0.
 */
final class TrainingState {
    int epoch = 1;
    int position;
    double lossSum;
    long correct;
    final List<EpochMetrics> done = new ArrayList<>();
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch;
    int badEpochs;
    boolean stopped;
    /** The best epoch's weights under early stopping, or null. */
    double[][] best;

    /** The state a checkpoint stopped in. */
    static TrainingState of(Checkpoint c) {
        TrainingState s = new TrainingState();
        s.epoch = c.epoch();
        s.position = c.position();
        s.lossSum = c.lossSum();
        s.correct = c.correct();
        s.done.addAll(c.metrics());
        s.bestLoss = c.bestValidationLoss();
        s.bestEpoch = c.bestEpoch();
        s.badEpochs = c.badEpochs();
        s.stopped = c.stopped();
        s.best = c.best();
        return s;
    }

    /** On to the next epoch: its start, with empty running sums. */
    void nextEpoch() {
        epoch++;
        position = 0;
        lossSum = 0;
        correct = 0;
    }

    /** This state with the given weights and optimizer state, as a checkpoint. */
    Checkpoint checkpoint(double[][] weights, String optimizer, double[][] optimizerState) {
        return Checkpoint.builder()
                .at(epoch, position)
                .runningSums(lossSum, correct)
                .metrics(done)
                .earlyStopping(bestLoss, bestEpoch, badEpochs, stopped)
                .weights(weights)
                .optimizer(optimizer, optimizerState)
                .best(best)
                .build();
    }
}
