package dev.chainrule.losses;

import dev.chainrule.api.Tensor;
import java.util.Set;

/**
 * A loss that compares a prediction {@code p ∈ R^N} with a target row {@code y ∈ R^N} element by element:
 * {@code ℓ(p, y) = (1/N) Σ_i φ(p_i − y_i)}, so {@code D_p ℓ} is the 1×N row {@code (1/N) φ′(p − y)ᵀ}.
 *
 * <p>It takes both kinds of {@link Targets}: value targets ({@link #forward(Tensor, Tensor)}, {@code B × N}),
 * and class labels as the one-hot row {@code y = e_y} ({@link #forward(Tensor, int[])}), which gives the same
 * bits as passing {@code e_y} as values. A subclass gives φ beside its derivative and nothing else. The sums
 * over a row's N values and over the batch's rows follow {@link dev.chainrule.kernels.Sums}.
 */
abstract class ValueLoss extends ClassLoss {
    private static final Set<Targets> BOTH = Set.of(Targets.CLASSES, Targets.VALUES);
    private boolean oneHot = true;

    ValueLoss(int n) {
        super(n);
    }

    /** φ(d) of one element {@code d = p_i − y_i}. */
    abstract double phi(double d);

    /** {@code ∂ℓ/∂p_i = φ′(d)/N} of one element: the 1/N is the subclass's, so each keeps its own rounding. */
    abstract double gradient(double d);

    /** The Jacobian row's formula with {@code y} the target ({@code "y"} or {@code "e_y"}). */
    abstract String jacobianFormula(String y);

    @Override
    public final Set<Targets> targets() {
        return BOTH;
    }

    @Override
    final String jacobianFormula() {
        return jacobianFormula(oneHot ? "e_y" : "y");
    }

    @Override
    final double lossAndGradient(double[] p, int off, int y, double[] grad) {
        oneHot = true;
        rowSum.clear();
        for (int i = 0; i < n; i++) {
            double d = p[off + i] - (i == y ? 1.0 : 0.0);
            rowSum.add(phi(d));
            grad[off + i] = gradient(d);
        }
        return rowSum.sum() / n;
    }

    @Override
    public final double forward(Tensor prediction, Tensor targets) {
        checkPrediction(prediction);
        if (targets.rows() != prediction.rows() || targets.cols() != n) {
            throw new IllegalArgumentException(type() + ": prediction " + prediction + " but targets " + targets
                    + "; value targets are one row of " + n + " per prediction row");
        }
        oneHot = false;
        int rows = prediction.rows();
        double[] p = prediction.data();
        double[] t = targets.data();
        double[] g = startBatch(rows);
        batchSum.clear();
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            rowSum.clear();
            for (int i = 0; i < n; i++) {
                double d = p[off + i] - t[off + i];
                rowSum.add(phi(d));
                g[off + i] = gradient(d);
            }
            batchSum.add(rowSum.sum() / n);
        }
        return batchSum.sum();
    }
}
