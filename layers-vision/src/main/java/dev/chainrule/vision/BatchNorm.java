package dev.chainrule.vision;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DenseJacobian;
import dev.chainrule.api.support.DiagonalJacobian;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.Parallelism;
import dev.chainrule.kernels.Sums;
import java.util.Arrays;
import java.util.List;

/**
 * Batch normalization (Ioffe and Szegedy 2015), {@code y = γ·(x − μ)/√(σ² + ε) + β} per feature.
 *
 * <p>A feature is a channel of a {@code C×H×W} input (more generally the first dimension of a shape of rank
 * ≥ 2; statistics over the batch and all spatial positions, N = B·H·W values) or a unit of a vector input
 * (statistics over the batch, N = B). γ starts at 1, β at 0.
 *
 * <p>Training uses the batch's mean and biased variance, so the rows of a batch are coupled
 * ({@link #batchCoupled()}), and updates the running statistics as PyTorch does:
 * {@code running ← (1 − momentum)·running + momentum·batch}, the variance term unbiased ({@code ·N/(N−1)}).
 * A batch with one value per feature (batch 1 on a vector input) has no variance: it leaves the running
 * variance alone and its output is β. Inference uses the running statistics (mean 0 and variance 1 at
 * first), rows are independent, and nothing is updated. The running statistics are {@link #buffers()},
 * saved in model files and checkpoints.
 *
 * <p>Jacobians at the last forward, with {@code x̂ = (x − μ)/√(σ² + ε)} and {@code s = γ/√(σ² + ε)}:
 * <ul>
 *   <li>training, {@code ∂y_{bi}/∂x_{b'j} = s_c·(δ_{bb'}δ_{ij} − 1/N − x̂_{bi}·x̂_{b'j}/N)} when i and j lie in
 *       the same feature c, else 0 ({@link #batchJacobian}; {@link #jacobian(int)} is its diagonal block);
 *   <li>inference, {@code diag(s)};
 *   <li>{@code ∂y_{bi}/∂γ_c = x̂_{bi}}, {@code ∂y_{bi}/∂β_c = 1} for i in feature c, in both modes (γ and β do
 *       not enter the statistics).
 * </ul>
 * The VJP of the coupled map is {@code g·D = s·(g − mean(g) − x̂·mean(g∘x̂))} per feature, means over the N
 * values, in O(B·n).
 *
 * <p>Each feature's sums over its N values (μ, σ², Σg, Σg∘x̂) follow {@link Sums}: plain up to 128 values,
 * compensated pairwise beyond, in the order batch row, then position. Threads own whole features, so the
 * thread count never changes a sum.
 */
public final class BatchNorm extends ShapedStage implements Layer {
    /** The type id. */
    public static final String TYPE = "batch-norm";

    private final int n;
    private final int features;
    private final int spatial;
    private final double momentum;
    private final double epsilon;
    private final Parameter gamma;
    private final Parameter beta;
    private final Buffer runningMean;
    private final Buffer runningVar;
    private final List<Buffer> buffers;

    /** The statistics the last forward normalised with: μ and 1/√(σ² + ε) per feature. */
    private final double[] mean;
    private final double[] invStd;
    private boolean lastTraining;
    private int lastBatch = -1;
    private Tensor xhat;
    private Tensor output;
    private Tensor inputGradient;

    public BatchNorm(Shape shape, double momentum, double epsilon) {
        super(TYPE, shape, shape);
        if (!(momentum >= 0.0 && momentum <= 1.0)) {
            throw new IllegalArgumentException("batch-norm: momentum must be in [0, 1], got " + momentum);
        }
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("batch-norm: epsilon must be positive, got " + epsilon);
        }
        this.n = shape.size();
        this.features = shape.rank() == 1 ? n : shape.dim(0);
        this.spatial = n / features;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.gamma = Parameter.vector("gamma", features);
        this.beta = Parameter.vector("beta", features);
        Arrays.fill(gamma.value(), 1.0);
        this.runningMean = new Buffer("running_mean", Shape.of(features));
        this.runningVar = new Buffer("running_var", Shape.of(features), true);
        Arrays.fill(runningVar.values(), 1.0);
        this.buffers = List.of(runningMean, runningVar);
        this.mean = new double[features];
        this.invStd = new double[features];
    }

    /** The number of normalised features (channels, or units of a vector). */
    public int features() {
        return features;
    }

    /** γ, then β. */
    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    /** running_mean, then running_var. */
    @Override
    public List<Buffer> buffers() {
        return buffers;
    }

    /**
     * Always true: training couples the rows through the batch statistics. After an inference forward the
     * rows are in fact independent and {@link #batchJacobian} is block-diagonal, so a check that takes the
     * batch-level path is right in both modes, while one that trusted a per-row answer would not be.
     */
    @Override
    public boolean batchCoupled() {
        return true;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException("batch-norm: expects rows of " + n + " values, got " + x);
        }
        int batch = x.rows();
        if (batch == 0) {
            throw new IllegalArgumentException("batch-norm: empty batch");
        }
        lastBatch = batch;
        lastTraining = context.training();
        output = Tensor.reuseFront(output, batch, n);
        xhat = Tensor.reuseFront(xhat, batch, n);
        double[] xs = x.data();
        double[] y = output.data();
        double[] xh = xhat.data();
        double[] rm = runningMean.values();
        double[] rv = runningVar.values();
        double[] gm = gamma.value();
        double[] bt = beta.value();
        boolean training = lastTraining;
        // Threads own whole features, each summed by the same rule whatever the thread count: bitwise stable.
        forEachFeatureRange(batch, (c0, c1) -> {
            int count = batch * spatial;
            double[] sq = new double[c1];
            if (training) {
                Sums.channelSums(xs, 0, batch, n, spatial, c0, c1, mean);
                for (int c = c0; c < c1; c++) {
                    mean[c] = mean[c] / count;
                }
                Sums.channelSquaredDeviations(xs, 0, batch, n, spatial, c0, c1, mean, sq);
            }
            for (int c = c0; c < c1; c++) {
                double mu;
                double is;
                if (training) {
                    mu = mean[c];
                    double var = sq[c] / count;
                    is = 1.0 / Math.sqrt(var + epsilon);
                    rm[c] = (1.0 - momentum) * rm[c] + momentum * mu;
                    if (count > 1) {
                        rv[c] = (1.0 - momentum) * rv[c] + momentum * (sq[c] / (count - 1));
                    }
                } else {
                    mu = rm[c];
                    is = 1.0 / Math.sqrt(rv[c] + epsilon);
                }
                mean[c] = mu;
                invStd[c] = is;
                double gc = gm[c];
                double bc = bt[c];
                for (int b = 0; b < batch; b++) {
                    int o = b * n + c * spatial;
                    for (int s = 0; s < spatial; s++) {
                        double h = (xs[o + s] - mu) * is;
                        xh[o + s] = h;
                        y[o + s] = gc * h + bc;
                    }
                }
            }
        });
        return output;
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        checkGradient(g);
        int batch = lastBatch;
        double[] gs = g.data();
        double[] xh = xhat.data();
        double[] gm = gamma.value();
        double[] dGamma = gamma.grad();
        double[] dBeta = beta.grad();
        double[] out;
        if (propagate) {
            inputGradient = Tensor.reuseFront(inputGradient, batch, n);
            out = inputGradient.data();
        } else {
            out = null;
        }
        boolean training = lastTraining;
        forEachFeatureRange(batch, (c0, c1) -> {
            double[] sums = new double[c1];
            double[] dots = new double[c1];
            Sums.channelSumsAndDots(gs, 0, xh, 0, batch, n, spatial, c0, c1, sums, dots);
            for (int c = c0; c < c1; c++) {
                double sg = sums[c];
                double sgx = dots[c];
                dBeta[c] += sg;
                dGamma[c] += sgx;
                if (out == null) {
                    continue;
                }
                double scale = gm[c] * invStd[c];
                if (training) {
                    double count = (double) batch * spatial;
                    double mg = sg / count;
                    double mgx = sgx / count;
                    for (int b = 0; b < batch; b++) {
                        int o = b * n + c * spatial;
                        for (int s = 0; s < spatial; s++) {
                            out[o + s] = scale * (gs[o + s] - mg - xh[o + s] * mgx);
                        }
                    }
                } else {
                    for (int b = 0; b < batch; b++) {
                        int o = b * n + c * spatial;
                        for (int s = 0; s < spatial; s++) {
                            out[o + s] = scale * gs[o + s];
                        }
                    }
                }
            }
        });
        return propagate ? inputGradient : null;
    }

    /** The diagonal block {@code ∂y_b/∂x_b} (n×n) of the last forward. */
    @Override
    public Jacobian jacobian(int row) {
        checkRow(row);
        if (!lastTraining) {
            double[] d = new double[n];
            for (int c = 0; c < features; c++) {
                Arrays.fill(d, c * spatial, (c + 1) * spatial, gamma.value()[c] * invStd[c]);
            }
            return new DiagonalJacobian(d, "diag(γ/√(running_var+ε))");
        }
        return new Coupled(row, 1, "s·(I − 1/N − x̂_b x̂_bᵀ/N) per feature, diagonal block of the batch");
    }

    /** The whole batch's {@code (B·n)×(B·n)} Jacobian; block-diagonal in inference, coupled in training. */
    @Override
    public Jacobian batchJacobian(int batch) {
        if (batch != lastBatch) {
            throw new IllegalArgumentException("batch-norm: the last forward had " + lastBatch + " rows, not " + batch);
        }
        if (!lastTraining) {
            return Layer.super.batchJacobian(batch);
        }
        return new Coupled(0, batch, "s·(I − 1/N − x̂ x̂ᵀ/N) per feature over the batch");
    }

    @Override
    public Jacobian parameterJacobian(int index, int row) {
        checkRow(row);
        if (index != 0 && index != 1) {
            throw new IndexOutOfBoundsException("batch-norm has parameters 0 (gamma) and 1 (beta), not " + index);
        }
        double[] d = new double[n * features];
        double[] xh = xhat.data();
        for (int c = 0; c < features; c++) {
            for (int s = 0; s < spatial; s++) {
                int i = c * spatial + s;
                d[i * features + c] = index == 0 ? xh[row * n + i] : 1.0;
            }
        }
        return DenseJacobian.rowMajor(n, features, d, index == 0 ? "x̂ per feature" : "1 per feature");
    }

    /**
     * Rows {@code [first, first+rows)} of the last training batch against themselves: the diagonal block
     * for one row, the whole batch Jacobian for all of them. Its VJP is the backward formula restricted to
     * those rows; the 1/N and x̂·x̂ᵀ/N terms still use the full batch's N.
     */
    private final class Coupled implements Jacobian {
        private final int rows;
        private final String formula;
        /** Copies taken at creation, so later forward calls do not move this Jacobian's base point. */
        private final double[] xh;
        private final double[] scale;
        private final double count;

        Coupled(int first, int rows, String formula) {
            this.rows = rows;
            this.formula = formula;
            this.xh = Arrays.copyOfRange(xhat.data(), first * n, (first + rows) * n);
            this.scale = new double[features];
            for (int c = 0; c < features; c++) {
                scale[c] = gamma.value()[c] * invStd[c];
            }
            this.count = (double) lastBatch * spatial;
        }

        @Override
        public int rows() {
            return rows * n;
        }

        @Override
        public int cols() {
            return rows * n;
        }

        @Override
        public void vjp(double[] g, int gOff, double[] out, int outOff) {
            double[] sums = new double[features];
            double[] dots = new double[features];
            Sums.channelSumsAndDots(g, gOff, xh, 0, rows, n, spatial, 0, features, sums, dots);
            for (int c = 0; c < features; c++) {
                double sg = sums[c];
                double sgx = dots[c];
                for (int b = 0; b < rows; b++) {
                    int go = gOff + b * n + c * spatial;
                    int oo = outOff + b * n + c * spatial;
                    int xo = b * n + c * spatial;
                    for (int s = 0; s < spatial; s++) {
                        out[oo + s] = scale[c] * (g[go + s] - sg / count - xh[xo + s] * sgx / count);
                    }
                }
            }
        }

        @Override
        public String structure() {
            return formula;
        }
    }

    private interface FeatureRange {
        void run(int from, int to);
    }

    /** Features split over the pool when the batch is big enough to pay for the hand-off. */
    private void forEachFeatureRange(int batch, FeatureRange body) {
        int parts = (long) batch * n < Parallelism.MIN_WORK ? 1 : Math.min(Parallelism.threads(), features);
        if (parts <= 1) {
            body.run(0, features);
        } else {
            Parallelism.run(parts, t -> body.run(Parallelism.split(features, parts, t),
                    Parallelism.split(features, parts, t + 1)));
        }
    }

    private void checkRow(int row) {
        if (row < 0 || row >= lastBatch) {
            throw new IndexOutOfBoundsException("batch-norm: row " + row + " of a batch of " + Math.max(lastBatch, 0));
        }
    }

    private void checkGradient(Tensor g) {
        if (lastBatch < 0) {
            throw new IllegalStateException("batch-norm: backward before forward");
        }
        if (g.rows() != lastBatch || g.cols() != n) {
            throw new IllegalArgumentException("batch-norm: gradient " + g + " against a batch of " + lastBatch + "×" + n);
        }
    }
}
