package dev.chainrule.examples.swish;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DenseJacobian;

/**
 * Cross-entropy of softmax(p) against the smoothed target {@code q = (1−s)e_y + s/N}, on logits p:
 * {@code ℓ(p, y) = −Σ_i q_i ln SM(p)_i = logsumexp(p) − qᵀp} (since Σ q_i = 1).
 *
 * <p>Jacobian w.r.t. p: the 1×N row {@code (SM(p) − q)ᵀ}. With s = 0 this is softmax-cross-entropy.
 * logsumexp is taken after subtracting the max, so no exponent is positive (no overflow at |p| ~ 1000).
 */
public final class LabelSmoothingCrossEntropy implements Loss {
    public static final String TYPE = "label-smoothing-cross-entropy";
    private final int n;
    private final double smoothing;
    private Tensor gradient;
    private int batch = -1;

    public LabelSmoothingCrossEntropy(int n, double smoothing) {
        this.n = n;
        this.smoothing = smoothing;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int inputSize() {
        return n;
    }

    @Override
    public double forward(Tensor prediction, int[] labels) {
        if (prediction.cols() != n || labels.length != prediction.rows()) {
            throw new IllegalArgumentException(TYPE + ": expects " + labels.length + " rows of " + n + " values, got "
                    + prediction);
        }
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0 || labels[r] >= n) {
                throw new IllegalArgumentException(TYPE + ": label " + labels[r] + " of row " + r
                        + " is outside the classes 0.." + (n - 1));
            }
        }
        batch = prediction.rows();
        gradient = Tensor.reuse(gradient, batch, n);
        double[] p = prediction.data();
        double[] g = gradient.data();
        double sum = 0;
        for (int r = 0; r < batch; r++) {
            int off = r * n;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, p[off + i]);
            }
            double z = 0;
            for (int i = 0; i < n; i++) {
                z += Math.exp(p[off + i] - max);
            }
            double logsumexp = max + Math.log(z);
            double loss = logsumexp;
            for (int i = 0; i < n; i++) {
                double q = (i == labels[r] ? 1 - smoothing : 0) + smoothing / n;
                loss -= q * p[off + i];
                g[off + i] = Math.exp(p[off + i] - logsumexp) - q;
            }
            sum += loss;
        }
        return sum;
    }

    @Override
    public Jacobian jacobian(int row) {
        if (row < 0 || row >= batch) {
            throw new IndexOutOfBoundsException(TYPE + ": row " + row + " outside the last batch of " + batch);
        }
        return DenseJacobian.rowMajor(1, n, gradient.rowCopy(row), "(SM(p) − q)ᵀ, q = (1−s)e_y + s/N");
    }

    @Override
    public Tensor backward() {
        if (batch < 0) {
            throw new IllegalStateException(TYPE + ": backward before forward");
        }
        return gradient;
    }
}
