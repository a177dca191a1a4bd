package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.RandomSource;
import dev.chainrule.api.Shape;
import dev.chainrule.api.support.DiagonalJacobian;

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
public final class Dropout extends RandomRowStage {
    /** The type id. */
    public static final String TYPE = "dropout";

    private final double rate;
    private final double keepScale;
    /** Per entry of the last training batch: 0 (dropped) or 1/(1 − p) (kept). */
    private double[] mask = new double[0];

    public Dropout(Shape shape, double rate) {
        super(TYPE, shape, shape);
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.keepScale = 1.0 / (1.0 - rate);
    }

    public double rate() {
        return rate;
    }

    /** Rate 0 keeps everything: the identity, without drawing. */
    @Override
    protected boolean active() {
        return rate > 0.0;
    }

    @Override
    protected void forwardTraining(double[] xs, double[] y, int batch, ForwardContext context) {
        if (mask.length < batch * n) {
            mask = new double[batch * n];
        }
        double[] mk = mask;
        parallelRows(batch, b -> {
            RandomSource r = context.random(b);
            int o = b * n;
            for (int k = 0; k < n; k++) {
                double s = r.uniform(k) < rate ? 0.0 : keepScale;
                mk[o + k] = s;
                y[o + k] = xs[o + k] * s;
            }
        });
    }

    @Override
    protected Jacobian trainingJacobian(int row) {
        double[] d = new double[n];
        System.arraycopy(mask, row * n, d, 0, n);
        return new DiagonalJacobian(d, "diag(mask/(1−p))");
    }

    @Override
    protected void backwardTraining(double[] gs, double[] out, int batch) {
        for (int i = 0; i < batch * n; i++) {
            out[i] = gs[i] * mask[i];
        }
    }
}
