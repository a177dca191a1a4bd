package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.Parallelism;
import java.util.function.IntConsumer;

/**
 * What dropout and the augmentations share: a stage that is the identity at inference and, in training, applies
 * to each row a random linear map drawn from {@code context.random(row)} (a mask, a flip, a shift). This class
 * holds the batch bookkeeping, the identity path and the shape checks; a subclass draws and applies its map
 * ({@link #forwardTraining}), applies its transpose ({@link #backwardTraining}) and gives a row's Jacobian
 * ({@link #trainingJacobian}). Inference (or an {@link #active() inactive} setting such as rate 0) copies the
 * input, draws nothing and has the Jacobian {@code I}.
 */
abstract class RandomRowStage extends ShapedStage implements Transform {
    /** Values per row: {@code in.size() == out.size()}. */
    protected final int n;
    private boolean lastTraining;
    private int lastBatch = -1;
    private Tensor output;
    private Tensor inputGradient;

    RandomRowStage(String type, Shape in, Shape out) {
        super(type, in, out);
        this.n = in.size();
    }

    /** Whether training draws anything at these settings (false: training is the identity too). */
    protected abstract boolean active();

    /**
     * Draws each row's map from {@code context.random(b)}, remembers what the Jacobian and backward need, and
     * writes {@code y} for rows {@code [0, batch)} of {@code x}.
     */
    protected abstract void forwardTraining(double[] x, double[] y, int batch, ForwardContext context);

    /** {@code out = g·M_b} row by row, with each row's map from the last training forward. */
    protected abstract void backwardTraining(double[] g, double[] out, int batch);

    /** Row {@code row}'s {@code n×n} Jacobian after a training forward; it must not read buffers that later calls overwrite. */
    protected abstract Jacobian trainingJacobian(int row);

    /** Whether the last forward drew (a training pass at an active setting). */
    protected final boolean lastTraining() {
        return lastTraining;
    }

    @Override
    public final Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException(type() + ": expects rows of " + n + " values, got " + x);
        }
        int batch = x.rows();
        lastBatch = batch;
        lastTraining = context.training() && active();
        output = Tensor.reuseFront(output, batch, n);
        if (!lastTraining) {
            System.arraycopy(x.data(), 0, output.data(), 0, batch * n);
        } else {
            forwardTraining(x.data(), output.data(), batch, context);
        }
        return output;
    }

    @Override
    public final Jacobian jacobian(int row) {
        checkRow(row);
        return lastTraining ? trainingJacobian(row) : new IdentityJacobian(n);
    }

    @Override
    public final Tensor backward(Tensor g, boolean propagate) {
        if (lastBatch < 0) {
            throw new IllegalStateException(type() + ": backward before forward");
        }
        if (g.rows() != lastBatch || g.cols() != n) {
            throw new IllegalArgumentException(type() + ": gradient " + g + " against a batch of " + lastBatch
                    + "×" + n);
        }
        if (!propagate) {
            return null;
        }
        inputGradient = Tensor.reuseFront(inputGradient, lastBatch, n);
        if (!lastTraining) {
            System.arraycopy(g.data(), 0, inputGradient.data(), 0, lastBatch * n);
        } else {
            backwardTraining(g.data(), inputGradient.data(), lastBatch);
        }
        return inputGradient;
    }

    /**
     * Rows {@code [0, batch)} over the deterministic pool when the batch is large enough to pay for it. Each row's
     * draws depend on (seed, stage, step, row) only and rows do not interact, so any split gives the same bits.
     */
    protected final void parallelRows(int batch, IntConsumer row) {
        int parts = (long) batch * n < Parallelism.MIN_WORK / 4 ? 1 : Math.min(Parallelism.threads(), batch);
        Parallelism.run(parts, t -> {
            int b1 = Parallelism.split(batch, parts, t + 1);
            for (int b = Parallelism.split(batch, parts, t); b < b1; b++) {
                row.accept(b);
            }
        });
    }

    /** Refuses a row outside the last batch, naming the stage. */
    protected final void checkRow(int row) {
        if (row < 0 || row >= lastBatch) {
            throw new IndexOutOfBoundsException(type() + ": row " + row + " of a batch of " + Math.max(lastBatch, 0));
        }
    }
}
