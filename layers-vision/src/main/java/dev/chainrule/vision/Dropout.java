package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.RandomSource;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.support.DiagonalJacobian;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.Parallelism;

/**
 * Inverted dropout: in training each entry is kept with probability {@code 1 − p} and scaled by
 * {@code 1/(1 − p)}, else set to 0, so the expected output equals the input and inference is the identity
 * (no rescaling at test time). Entry k of row b is dropped when {@code context.random(b).uniform(k) < p}:
 * the mask is a function of (run seed, stage position, step, row, k) alone, so the same context gives the
 * same mask again (checks, divergence replay) and {@code train --resume} draws what an uninterrupted run
 * draws.
 *
 * <p>Jacobian at the last forward: {@code diag(mask/(1 − p))} after a training pass, {@code I} after an
 * inference pass. Any input shape; the output has the same shape.
 */
public final class Dropout extends ShapedStage implements Transform {
    /** The type id. */
    public static final String TYPE = "dropout";

    private final int n;
    private final double rate;
    private final double keepScale;
    /** Per entry of the last training batch: 0 (dropped) or 1/(1 − p) (kept). */
    private double[] mask = new double[0];
    private boolean lastTraining;
    private int lastBatch = -1;
    private Tensor output;
    private Tensor inputGradient;

    public Dropout(Shape shape, double rate) {
        super(TYPE, shape, shape);
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
        }
        this.n = shape.size();
        this.rate = rate;
        this.keepScale = 1.0 / (1.0 - rate);
    }

    public double rate() {
        return rate;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException("dropout: expects rows of " + n + " values, got " + x);
        }
        int batch = x.rows();
        lastBatch = batch;
        // rate 0 keeps everything: the identity, without drawing
        lastTraining = context.training() && rate > 0.0;
        output = Tensor.reuse(output, batch, n);
        double[] xs = x.data();
        double[] y = output.data();
        if (!lastTraining) {
            System.arraycopy(xs, 0, y, 0, batch * n);
            return output;
        }
        if (mask.length < batch * n) {
            mask = new double[batch * n];
        }
        double[] mk = mask;
        // each row's draws depend on (seed, stage, step, row, index) only, so any split of the rows gives the same mask
        int parts = (long) batch * n < Parallelism.MIN_WORK / 4 ? 1 : Math.min(Parallelism.threads(), batch);
        Parallelism.run(parts, t -> {
            int b1 = Parallelism.split(batch, parts, t + 1);
            for (int b = Parallelism.split(batch, parts, t); b < b1; b++) {
                RandomSource r = context.random(b);
                int o = b * n;
                for (int k = 0; k < n; k++) {
                    double s = r.uniform(k) < rate ? 0.0 : keepScale;
                    mk[o + k] = s;
                    y[o + k] = xs[o + k] * s;
                }
            }
        });
        return output;
    }

    @Override
    public Jacobian jacobian(int row) {
        checkRow(row);
        if (!lastTraining) {
            return new IdentityJacobian(n);
        }
        double[] d = new double[n];
        System.arraycopy(mask, row * n, d, 0, n);
        return new DiagonalJacobian(d, "diag(mask/(1−p))");
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (lastBatch < 0) {
            throw new IllegalStateException("dropout: backward before forward");
        }
        if (g.rows() != lastBatch || g.cols() != n) {
            throw new IllegalArgumentException("dropout: gradient " + g + " against a batch of " + lastBatch + "×" + n);
        }
        if (!propagate) {
            return null;
        }
        inputGradient = Tensor.reuse(inputGradient, lastBatch, n);
        double[] gs = g.data();
        double[] out = inputGradient.data();
        if (!lastTraining) {
            System.arraycopy(gs, 0, out, 0, lastBatch * n);
        } else {
            for (int i = 0; i < lastBatch * n; i++) {
                out[i] = gs[i] * mask[i];
            }
        }
        return inputGradient;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= lastBatch) {
            throw new IndexOutOfBoundsException("dropout: row " + row + " of a batch of " + Math.max(lastBatch, 0));
        }
    }
}
