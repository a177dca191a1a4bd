package dev.chainrule.examples.batchcenter;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.support.DiagonalJacobian;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.api.support.VjpJacobian;
import java.util.Arrays;
import java.util.List;

/**
 * Batch centering, the mean half of batch normalization: in training {@code y_b = x_b − μ} with μ the mean
 * of the batch's rows, and the running mean {@code m ← (1 − α)·m + α·μ} (a {@link Buffer}: saved with the
 * model and in checkpoints, never trained); in inference {@code y = x − m}.
 *
 * <p>Rows interact in training ({@link #batchCoupled()}): {@code ∂y_b/∂x_c = (δ_bc − 1/B)·I}, so the whole
 * batch's Jacobian is {@code I − (1/B)·(1 1ᵀ ⊗ I)} and backward is {@code g_b − mean_c g_c}. In inference
 * every Jacobian is the identity.
 */
public final class BatchCenter extends ShapedStage implements Transform {
    private final int n;
    private final double momentum;
    private final Buffer runningMean;
    private Tensor y;
    private Tensor gx;
    private int batch = -1;
    private boolean training;

    public BatchCenter(BuildContext context) {
        super(context, context.inputShape());
        n = inputSize();
        momentum = BatchCenterProvider.MOMENTUM.numberValue(context.options());
        runningMean = new Buffer("running-mean", context.inputShape());
    }

    @Override
    public boolean batchCoupled() {
        return true;
    }

    @Override
    public List<Buffer> buffers() {
        return List.of(runningMean);
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        batch = x.rows();
        training = context.training();
        double[] mean = runningMean.values();
        if (training) {
            mean = new double[n];
            for (int b = 0; b < batch; b++) {
                for (int k = 0; k < n; k++) {
                    mean[k] += x.get(b, k) / batch;
                }
            }
            double[] m = runningMean.values();
            for (int k = 0; k < n; k++) {
                m[k] = (1 - momentum) * m[k] + momentum * mean[k];
            }
        }
        y = Tensor.reuse(y, batch, n);
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < n; k++) {
                y.set(b, k, x.get(b, k) - mean[k]);
            }
        }
        return y;
    }

    /** The diagonal block {@code ∂y_b/∂x_b}: {@code (1 − 1/B)·I} in training, I in inference. */
    @Override
    public Jacobian jacobian(int row) {
        if (!training) {
            return new IdentityJacobian(n);
        }
        double[] d = new double[n];
        Arrays.fill(d, 1.0 - 1.0 / batch);
        return new DiagonalJacobian(d, "(1 − 1/B)·I");
    }

    @Override
    public Jacobian batchJacobian(int rows) {
        if (!training) {
            return new IdentityJacobian(rows * n);
        }
        return VjpJacobian.constant(rows * n, rows * n, "I − (1/B)·(1 1ᵀ ⊗ I)",
                (none, g, go, out, oo) -> center(g, go, out, oo, rows, n));
    }

    /** The whole batch's VJP in training: {@code out_b = g_b − mean_c g_c}, rows of n at go and oo. */
    private static void center(double[] g, int go, double[] out, int oo, int rows, int n) {
        for (int k = 0; k < n; k++) {
            double mean = 0;
            for (int b = 0; b < rows; b++) {
                mean += g[go + b * n + k] / rows;
            }
            for (int b = 0; b < rows; b++) {
                out[oo + b * n + k] = g[go + b * n + k] - mean;
            }
        }
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (!propagate) {
            return null;
        }
        gx = Tensor.reuse(gx, batch, n);
        if (training) {
            center(g.data(), 0, gx.data(), 0, batch, n);
        } else {
            System.arraycopy(g.data(), 0, gx.data(), 0, batch * n);
        }
        return gx;
    }
}
