package dev.chainrule.layers;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.jacobian.DiagonalJacobian;
import dev.chainrule.kernels.Parallelism;
import java.util.Arrays;

/**
 * Shared plumbing of an elementwise map {@code f(z)_i = φ(z_i)}: its Jacobian is {@code diag(φ'(z_i))}
 * and its VJP {@code g ∘ φ'(z)}. Forward saves both {@code φ(ẑ)} (the output) and {@code φ'(ẑ)} as base
 * points, each subclass computing the pair together so that the derivative is accurate where {@code φ}
 * saturates (see each subclass).
 */
abstract class Elementwise implements Activation {
    private final Shape shape;
    private final int n;
    private Tensor output;
    private double[] derivative = new double[0];
    private Tensor inputGradient;
    private int batch = -1;

    Elementwise(Shape shape) {
        this.shape = shape;
        this.n = shape.size();
    }

    /** Writes {@code φ(z)} into {@code y[i]} and {@code φ'(z)} into {@code d[i]}. */
    abstract void apply(double z, double[] y, double[] d, int i);

    /**
     * Whether {@code φ'(z)} can be read back from {@code φ(z)} alone ({@link #derivativeOfOutput}); then no
     * second batch-sized array is kept (for relu, which follows every convolution, half its memory).
     */
    boolean derivativeFromOutput() {
        return false;
    }

    /** {@code φ'(z)} from {@code y = φ(z)}, when {@link #derivativeFromOutput()}. */
    double derivativeOfOutput(double y) {
        throw new UnsupportedOperationException(type() + " keeps its derivatives");
    }

    /** {@code φ} (and {@code φ'} into d, unless {@link #derivativeFromOutput()}) on {@code [from, to)}; a subclass may use a vector kernel. */
    void applyRange(double[] xs, double[] y, double[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            apply(xs[i], y, d, i);
        }
    }

    /** {@code out_i = g_i · φ'(z_i)} on {@code [from, to)}, y the forward output and d the kept derivatives. */
    void vjpRange(double[] g, double[] y, double[] d, double[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = g[i] * d[i];
        }
    }

    /** The diagonal's formula for {@link Jacobian#structure()}. */
    abstract String derivativeFormula();

    @Override
    public final int inputSize() {
        return n;
    }

    @Override
    public final Shape inputShape() {
        return shape;
    }

    @Override
    public final Shape outputShape() {
        return shape;
    }

    @Override
    public final Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException(type() + ": expects rows of " + n + " inputs, got " + x);
        }
        batch = x.rows();
        output = Tensor.reuse(output, batch, n);
        // kept at the largest batch seen, so that an epoch's last, smaller batch does not drop it
        if (!derivativeFromOutput() && derivative.length < batch * n) {
            derivative = new double[batch * n];
        }
        double[] xs = x.data();
        double[] y = output.data();
        double[] d = derivative;
        int size = batch * n;
        int parts = batch >= Parallelism.MIN_ROWS && size >= MIN_SPLIT ? Parallelism.threads() : 1;
        if (parts == 1) {
            applyRange(xs, y, d, 0, size);
        } else {
            // each entry is computed on its own, so any split gives the same bits
            Parallelism.run(parts, t -> applyRange(xs, y, d, Parallelism.split(size, parts, t),
                    Parallelism.split(size, parts, t + 1)));
        }
        return output;
    }

    /** Entries per batch from which the forward pass is shared between threads (an exp costs ~15 ns). */
    private static final int MIN_SPLIT = 4096;

    /** Entries per batch from which the backward pass (one multiply each) is shared between threads. */
    private static final int MIN_SPLIT_BACKWARD = 1 << 16;

    @Override
    public final Jacobian jacobian(int row) {
        checkRow(row);
        double[] diag;
        if (derivativeFromOutput()) {
            diag = new double[n];
            double[] y = output.data();
            for (int i = 0; i < n; i++) {
                diag[i] = derivativeOfOutput(y[row * n + i]);
            }
        } else {
            diag = Arrays.copyOfRange(derivative, row * n, row * n + n);
        }
        return new DiagonalJacobian(diag, derivativeFormula());
    }

    @Override
    public final Tensor backward(Tensor g, boolean propagate) {
        if (batch < 0) {
            throw new IllegalStateException(type() + ": backward before forward");
        }
        if (g.rows() != batch || g.cols() != n) {
            throw new IllegalArgumentException(type() + ": gradient " + g + " does not match output " + batch + "×" + n);
        }
        if (!propagate) {
            return null;
        }
        inputGradient = Tensor.reuse(inputGradient, batch, n);
        double[] gs = g.data();
        double[] out = inputGradient.data();
        double[] y = output.data();
        double[] d = derivative;
        int size = batch * n;
        int parts = batch >= Parallelism.MIN_ROWS && size >= MIN_SPLIT_BACKWARD ? Parallelism.threads() : 1;
        if (parts == 1) {
            vjpRange(gs, y, d, out, 0, size);
        } else {
            // each entry on its own: any split gives the same bits
            Parallelism.run(parts, t -> vjpRange(gs, y, d, out, Parallelism.split(size, parts, t),
                    Parallelism.split(size, parts, t + 1)));
        }
        return inputGradient;
    }

    private void checkRow(int row) {
        if (batch < 0) {
            throw new IllegalStateException(type() + ": no forward call yet, so no base point");
        }
        if (row < 0 || row >= batch) {
            throw new IndexOutOfBoundsException(type() + ": row " + row + " outside the last batch of " + batch);
        }
    }

    @Override
    public String toString() {
        return type() + " " + shape;
    }
}
