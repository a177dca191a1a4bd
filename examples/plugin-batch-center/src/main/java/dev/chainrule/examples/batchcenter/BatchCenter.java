package dev.chainrule.examples.batchcenter;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.jacobian.DenseJacobian;
import dev.chainrule.api.jacobian.DiagonalJacobian;
import dev.chainrule.api.jacobian.IdentityJacobian;
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
public final class BatchCenter implements Transform {
    private final String type;
    private final Shape shape;
    private final int n;
    private final double momentum;
    private final Buffer runningMean;
    private Tensor y;
    private Tensor gx;
    private int batch = -1;
    private boolean training;

    public BatchCenter(BuildContext context) {
        type = context.type();
        shape = context.inputShape();
        n = shape.size();
        momentum = BatchCenterProvider.MOMENTUM.numberValue(context.options());
        runningMean = new Buffer("running-mean", shape);
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
        int size = rows * n;
        double[] a = new double[size * size];
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < rows; c++) {
                for (int k = 0; k < n; k++) {
                    a[(b * n + k) * size + c * n + k] = (b == c ? 1.0 : 0.0) - 1.0 / rows;
                }
            }
        }
        return DenseJacobian.rowMajor(size, size, a, "I − (1/B)·(1 1ᵀ ⊗ I)");
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (!propagate) {
            return null;
        }
        gx = Tensor.reuse(gx, batch, n);
        for (int k = 0; k < n; k++) {
            double mean = 0;
            for (int b = 0; b < batch; b++) {
                mean += g.get(b, k) / batch;
            }
            for (int b = 0; b < batch; b++) {
                gx.set(b, k, training ? g.get(b, k) - mean : g.get(b, k));
            }
        }
        return gx;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int inputSize() {
        return n;
    }

    @Override
    public int outputSize() {
        return n;
    }

    @Override
    public Shape inputShape() {
        return shape;
    }

    @Override
    public Shape outputShape() {
        return shape;
    }
}
