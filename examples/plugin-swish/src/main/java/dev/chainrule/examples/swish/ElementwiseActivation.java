package dev.chainrule.examples.swish;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.jacobian.DiagonalJacobian;
import java.util.Arrays;

/**
 * {@code f(z)_i = φ(z_i)} on each row: Jacobian {@code diag(φ'(z_1) … φ'(z_n))} (n×n), VJP {@code g ∘ φ'(z)}.
 * Forward saves {@code φ'(ẑ)} as the base point, so backward and jacobian need no recomputation.
 */
abstract class ElementwiseActivation implements Activation {
    private final int n;
    private Tensor output;
    private Tensor inputGradient;
    private double[] derivative = new double[0];
    private int batch = -1;

    ElementwiseActivation(int n) {
        this.n = n;
    }

    /** φ(z). */
    abstract double value(double z);

    /** φ'(z), beside φ. */
    abstract double derivative(double z);

    /** What the diagonal is, for {@link Jacobian#structure()}. */
    abstract String derivativeFormula();

    @Override
    public int inputSize() {
        return n;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException(type() + ": expects rows of " + n + " inputs, got " + x);
        }
        batch = x.rows();
        output = Tensor.reuse(output, batch, n);
        if (derivative.length != batch * n) {
            derivative = new double[batch * n];
        }
        double[] xs = x.data();
        double[] y = output.data();
        for (int i = 0; i < xs.length; i++) {
            y[i] = value(xs[i]);
            derivative[i] = derivative(xs[i]);
        }
        return output;
    }

    @Override
    public Jacobian jacobian(int row) {
        if (row < 0 || row >= batch) {
            throw new IndexOutOfBoundsException(type() + ": row " + row + " outside the last batch of " + batch);
        }
        return new DiagonalJacobian(Arrays.copyOfRange(derivative, row * n, row * n + n), derivativeFormula());
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (g.rows() != batch || g.cols() != n) {
            throw new IllegalArgumentException(type() + ": gradient " + g + " does not match output " + batch + "×" + n);
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
}
