package dev.chainrule.api;

import dev.chainrule.api.jacobian.DiagonalJacobian;
import java.util.Arrays;

/**
 * The plugin kit's element-wise activation {@code f(z)_i = φ(z_i)}: a subclass gives {@link #phi} and
 * {@link #phiPrime} and nothing else. The Jacobian is {@code diag(φ'(z_i))} and the VJP {@code g ∘ φ'(z)};
 * the type id comes from the provider ({@link BuildContext#type()}), so it is written once.
 *
 * <pre>{@code
 * public final class Swish extends ElementwiseActivation {
 *     public Swish(BuildContext c) { super(c); }
 *     protected double phi(double z) { return z / (1 + Math.exp(-z)); }
 *     protected double phiPrime(double z) { double s = 1 / (1 + Math.exp(-z)); return s + z * s * (1 - s); }
 * }
 * }</pre>
 */
public abstract class ElementwiseActivation implements Activation {
    private final String type;
    private final Shape shape;
    private final int n;
    private Tensor output;
    private double[] derivative = new double[0];
    private Tensor inputGradient;
    private int batch = -1;

    protected ElementwiseActivation(BuildContext context) {
        this.type = context.type().isEmpty() ? getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                : context.type();
        this.shape = context.inputShape();
        this.n = shape.size();
    }

    /** φ(z). */
    protected abstract double phi(double z);

    /** φ'(z). */
    protected abstract double phiPrime(double z);

    /** The diagonal's formula for {@link Jacobian#structure()}; override for a nicer one. */
    protected String derivativeFormula() {
        return "diag(" + type + "'(z))";
    }

    @Override
    public String type() {
        return type;
    }

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
            throw new IllegalArgumentException(type + ": expects rows of " + n + " inputs, got " + x);
        }
        batch = x.rows();
        output = Tensor.reuse(output, batch, n);
        if (derivative.length != batch * n) {
            derivative = new double[batch * n];
        }
        double[] xs = x.data();
        double[] y = output.data();
        for (int i = 0; i < xs.length; i++) {
            y[i] = phi(xs[i]);
            derivative[i] = phiPrime(xs[i]);
        }
        return output;
    }

    @Override
    public final Jacobian jacobian(int row) {
        if (batch < 0) {
            throw new IllegalStateException(type + ": no forward call yet, so no base point");
        }
        if (row < 0 || row >= batch) {
            throw new IndexOutOfBoundsException(type + ": row " + row + " outside the last batch of " + batch);
        }
        return new DiagonalJacobian(Arrays.copyOfRange(derivative, row * n, row * n + n), derivativeFormula());
    }

    @Override
    public final Tensor backward(Tensor g, boolean propagate) {
        if (batch < 0) {
            throw new IllegalStateException(type + ": backward before forward");
        }
        if (g.rows() != batch || g.cols() != n) {
            throw new IllegalArgumentException(type + ": gradient " + g + " does not match output " + batch + "×" + n);
        }
        if (!propagate) {
            return null;
        }
        inputGradient = Tensor.reuse(inputGradient, batch, n);
        double[] gs = g.data();
        double[] out = inputGradient.data();
        for (int i = 0; i < gs.length; i++) {
            out[i] = gs[i] * derivative[i];
        }
        return inputGradient;
    }

    @Override
    public String toString() {
        return type + " " + shape;
    }
}
