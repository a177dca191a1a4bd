package dev.chainrule.runner.train;

import java.util.List;

/**
 * The full training state at a batch boundary: training resumes at sample {@code position} of epoch
 * {@code epoch} (1-based; {@code position} 0 after an epoch end) and continues exactly as if never stopped,
 * because the order of epoch e is a pure function of (seed, e) and everything else that changes is here.
 *
 * @param lossSum    the epoch's summed training loss so far
 * @param correct    the epoch's correctly classified training samples so far
 * @param metrics    every finished epoch
 * @param weights    each parameter's values, row-major (docs/math.md order)
 * @param optimizerState the optimizer's state buffers ({@code Optimizer.state}), as it stores them
 * @param best       the best weights so far under early stopping, or null
 * @param stopped    early stopping has ended training (only the restore of the best weights is left)
 * @param optimizer  the type id of the optimizer whose state this is
 */
public record Checkpoint(int epoch, int position, double lossSum, long correct, List<EpochMetrics> metrics,
        double bestValidationLoss, int bestEpoch, int badEpochs, boolean stopped, double[][] weights,
        double[][] optimizerState, double[][] best, String optimizer) {
}
