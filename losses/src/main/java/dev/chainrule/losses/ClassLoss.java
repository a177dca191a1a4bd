package dev.chainrule.losses;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DenseJacobian;
import dev.chainrule.kernels.Sums;

/**
 * Shared plumbing of a loss {@code ℓ(p, y)} on rows of N values and class labels {@code y ∈ {0…N−1}}: shape
 * and label checks, and the gradient rows {@code D_p ℓ} (1×N each) that {@link #forward} fills and
 * {@link #backward()} / {@link #jacobian(int)} return.
 */
abstract class ClassLoss implements Loss {
    final int n;
    /** A row's sum over its N values, for the subclasses ({@link Sums}: plain up to 128 values). */
    final Sums.Accumulator rowSum = new Sums.Accumulator();
    /** The batch's sum of the rows' losses ({@link Sums}: plain up to 128 rows). */
    final Sums.Accumulator batchSum = new Sums.Accumulator();
    private Tensor gradient;
    private int batch = -1;

    ClassLoss(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException(type() + ": size must be positive, got " + n);
        }
        this.n = n;
    }

    /** ℓ of row {@code p[off .. off+N)} with label {@code y}; writes {@code D_p ℓ} into {@code grad[off ..)}. */
    abstract double lossAndGradient(double[] p, int off, int y, double[] grad);

    /** The formula of the Jacobian row, for {@link Jacobian#structure()}. */
    abstract String jacobianFormula();

    @Override
    public final int inputSize() {
        return n;
    }

    /** Rejects a prediction whose rows are not N long. */
    final void checkPrediction(Tensor prediction) {
        if (prediction.cols() != n) {
            throw new IllegalArgumentException(type() + ": expects rows of " + n + " values, got " + prediction);
        }
    }

    /** Starts a batch of {@code rows}: the gradient rows to fill, reused while the batch size stays. */
    final double[] startBatch(int rows) {
        batch = rows;
        gradient = Tensor.reuseFront(gradient, batch, n);
        return gradient.data();
    }

    @Override
    public final double forward(Tensor prediction, int[] labels) {
        checkPrediction(prediction);
        if (labels.length != prediction.rows()) {
            throw new IllegalArgumentException(type() + ": " + prediction.rows() + " rows but " + labels.length + " labels");
        }
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0 || labels[r] >= n) {
                throw new IllegalArgumentException(type() + ": label " + labels[r] + " of row " + r
                        + " is outside the classes 0.." + (n - 1));
            }
        }
        double[] p = prediction.data();
        double[] g = startBatch(prediction.rows());
        batchSum.clear();
        for (int r = 0; r < batch; r++) {
            batchSum.add(lossAndGradient(p, r * n, labels[r], g));
        }
        return batchSum.sum();
    }

    @Override
    public final Jacobian jacobian(int row) {
        if (batch < 0) {
            throw new IllegalStateException(type() + ": no forward call yet, so no base point");
        }
        if (row < 0 || row >= batch) {
            throw new IndexOutOfBoundsException(type() + ": row " + row + " outside the last batch of " + batch);
        }
        return DenseJacobian.rowMajor(1, n, gradient.rowCopy(row), jacobianFormula());
    }

    @Override
    public final Tensor backward() {
        if (batch < 0) {
            throw new IllegalStateException(type() + ": backward before forward");
        }
        return gradient;
    }

    @Override
    public String toString() {
        return type() + " " + n;
    }
}
