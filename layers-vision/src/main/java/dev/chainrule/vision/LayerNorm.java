package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DiagonalJacobian;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.Sums;
import java.util.Arrays;
import java.util.List;

/**
 * Layer normalization (Ba, Kiros and Hinton 2016): each sample is normalised over all its n features,
 * {@code y_i = γ_i·(x_i − μ)/√(σ² + ε) + β_i} with the sample's own mean μ and biased variance σ², and γ, β of
 * the input's shape (γ starts at 1, β at 0), as PyTorch's {@code LayerNorm(normalized_shape = input shape)}.
 * Rows are independent; training and inference are the same map.
 *
 * <p>Jacobians, with {@code x̂ = (x − μ)/√(σ² + ε)} and {@code r = 1/√(σ² + ε)}:
 * {@code D_x y = diag(γ)·r·(I − 11ᵀ/n − x̂x̂ᵀ/n)}, {@code D_γ y = diag(x̂)}, {@code D_β y = I}. The VJP is
 * {@code r·(ĝ − mean(ĝ) − x̂·mean(ĝ∘x̂))} with {@code ĝ = g∘γ}, O(n) per row.
 *
 * <p>The sums over a row's n features (μ, σ², Σĝ, Σĝ∘x̂) and over the batch (the γ and β gradients) follow
 * {@link Sums}: plain up to 128 terms, compensated pairwise beyond.
 */
public final class LayerNorm extends ShapedStage implements Layer {
    /** The type id. */
    public static final String TYPE = "layer-norm";

    private final int n;
    private final double epsilon;
    private final Parameter gamma;
    private final Parameter beta;
    private double[] invStd = new double[0];
    private int lastBatch = -1;
    private Tensor xhat;
    private Tensor output;
    private Tensor inputGradient;

    public LayerNorm(Shape shape, double epsilon) {
        super(TYPE, shape, shape);
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("layer-norm: epsilon must be positive, got " + epsilon);
        }
        this.n = shape.size();
        this.epsilon = epsilon;
        this.gamma = Parameter.tensor("gamma", shape.dims());
        this.beta = Parameter.tensor("beta", shape.dims());
        Arrays.fill(gamma.value(), 1.0);
    }

    /** γ, then β, each of the input's shape. */
    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException("layer-norm: expects rows of " + n + " values, got " + x);
        }
        int batch = x.rows();
        lastBatch = batch;
        output = Tensor.reuseFront(output, batch, n);
        xhat = Tensor.reuseFront(xhat, batch, n);
        if (invStd.length < batch) {
            invStd = new double[batch];
        }
        double[] xs = x.data();
        double[] y = output.data();
        double[] xh = xhat.data();
        double[] gm = gamma.value();
        double[] bt = beta.value();
        for (int b = 0; b < batch; b++) {
            int o = b * n;
            double mu = Sums.sum(xs, o, n) / n;
            double sq = Sums.sumSquaredDeviations(xs, mu, o, n, n, n);
            double r = 1.0 / Math.sqrt(sq / n + epsilon);
            invStd[b] = r;
            for (int i = 0; i < n; i++) {
                double h = (xs[o + i] - mu) * r;
                xh[o + i] = h;
                y[o + i] = gm[i] * h + bt[i];
            }
        }
        return output;
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (lastBatch < 0) {
            throw new IllegalStateException("layer-norm: backward before forward");
        }
        if (g.rows() != lastBatch || g.cols() != n) {
            throw new IllegalArgumentException("layer-norm: gradient " + g + " against a batch of " + lastBatch + "×" + n);
        }
        double[] gs = g.data();
        double[] xh = xhat.data();
        double[] gm = gamma.value();
        double[] dGamma = gamma.grad();
        double[] dBeta = beta.grad();
        if (lastBatch <= Sums.BLOCK) {
            // plain sums over the rows, rows outer for the cache: from a zeroed gradient, Sums' bits for ≤ B rows
            for (int b = 0; b < lastBatch; b++) {
                int o = b * n;
                for (int i = 0; i < n; i++) {
                    dGamma[i] += gs[o + i] * xh[o + i];
                    dBeta[i] += gs[o + i];
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                dGamma[i] += Sums.dotSegments(gs, i, xh, i, 1, n, lastBatch);
                dBeta[i] += Sums.sumStrided(gs, i, n, lastBatch);
            }
        }
        if (!propagate) {
            return null;
        }
        inputGradient = Tensor.reuseFront(inputGradient, lastBatch, n);
        double[] out = inputGradient.data();
        for (int b = 0; b < lastBatch; b++) {
            vjpRow(gs, b * n, out, b * n, b);
        }
        return inputGradient;
    }

    /** {@code out = r·(ĝ − mean(ĝ) − x̂·mean(ĝ∘x̂))}, ĝ = g∘γ, for row {@code row} of the last batch. */
    private void vjpRow(double[] g, int gOff, double[] out, int outOff, int row) {
        vjp(g, gOff, out, outOff, xhat.data(), row * n, invStd[row], gamma.value());
    }

    private static void vjp(double[] g, int gOff, double[] out, int outOff, double[] xh, int xo, double r, double[] gm) {
        int n = gm.length;
        double sg = Sums.dot(g, gOff, gm, 0, n);
        double sgx = Sums.dot3(g, gOff, gm, 0, xh, xo, n);
        double mg = sg / n;
        double mgx = sgx / n;
        for (int i = 0; i < n; i++) {
            out[outOff + i] = r * (g[gOff + i] * gm[i] - mg - xh[xo + i] * mgx);
        }
    }

    /** Taken at the base point of the last forward: later forward calls do not change it. */
    @Override
    public Jacobian jacobian(int row) {
        checkRow(row);
        double[] xh = xhat.rowCopy(row);
        double r = invStd[row];
        double[] gm = gamma.value().clone();
        return new Jacobian() {
            @Override
            public int rows() {
                return n;
            }

            @Override
            public int cols() {
                return n;
            }

            @Override
            public void vjp(double[] g, int gOff, double[] out, int outOff) {
                LayerNorm.vjp(g, gOff, out, outOff, xh, 0, r, gm);
            }

            @Override
            public String structure() {
                return "diag(γ)·r·(I − 11ᵀ/n − x̂x̂ᵀ/n)";
            }
        };
    }

    @Override
    public Jacobian parameterJacobian(int index, int row) {
        checkRow(row);
        return switch (index) {
            case 0 -> new DiagonalJacobian(xhat.rowCopy(row), "diag(x̂)");
            case 1 -> new IdentityJacobian(n);
            default -> throw new IndexOutOfBoundsException("layer-norm has parameters 0 (gamma) and 1 (beta), not " + index);
        };
    }

    private void checkRow(int row) {
        if (row < 0 || row >= lastBatch) {
            throw new IndexOutOfBoundsException("layer-norm: row " + row + " of a batch of " + Math.max(lastBatch, 0));
        }
    }
}
