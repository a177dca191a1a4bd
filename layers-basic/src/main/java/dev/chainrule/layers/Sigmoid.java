package dev.chainrule.layers;

import dev.chainrule.api.Shape;
import dev.chainrule.api.support.ElementwiseActivation;
import dev.chainrule.kernels.Kernels;

/**
 * The logistic function {@code σ(z) = 1/(1+e^{−z})}, elementwise.
 *
 * <p>Jacobian: {@code diag(σ'(z_1) … σ'(z_n))}, n×n, with {@code σ'(z) = σ(z)(1 − σ(z))} (docs/math.md, slip 1
 * of the notes corrected).
 *
 * <p>Stability: with {@code t = e^{−|z|} ∈ (0, 1]} no exponent is positive, so nothing overflows at any z;
 * {@code σ(|z|) = 1/(1+t)}, {@code σ(−|z|) = t/(1+t)}, and {@code σ'(z) = σ(z)σ(−z) = t/(1+t)²} keeps full
 * relative precision where σ saturates ({@code 1 − σ(30)} computed by subtraction would keep only 3 digits).
 */
public final class Sigmoid extends ElementwiseActivation {
    /** The type id. */
    public static final String TYPE = "sigmoid";
    private static final Kernels KERNELS = Kernels.ready();

    public Sigmoid(int n) {
        this(Shape.of(n));
    }

    /** On rows of {@code shape} (element-wise, so the shape passes through). */
    public Sigmoid(Shape shape) {
        super(TYPE, shape, KernelThreads.POOL);
    }

    /** σ(z), stable for any z. */
    public static double sigmoid(double z) {
        double t = Math.exp(-Math.abs(z));
        return z >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t);
    }

    /** σ'(z) = σ(z)(1 − σ(z)), without cancellation. */
    public static double derivative(double z) {
        double t = Math.exp(-Math.abs(z));
        double u = 1.0 + t;
        return t / (u * u);
    }

    @Override
    protected double phi(double z) {
        return sigmoid(z);
    }

    @Override
    protected double phiPrime(double z) {
        return derivative(z);
    }

    /** σ and σ′ with one exp. */
    @Override
    protected void apply(double z, double[] y, double[] d, int i) {
        double t = Math.exp(-Math.abs(z));
        double u = 1.0 + t;
        y[i] = z >= 0 ? 1.0 / u : t / u;
        d[i] = t / (u * u);
    }

    /** {@link #apply} on a range, the quotients four at a time ({@link Kernels#sigmoid}: the same bits). */
    @Override
    protected void applyRange(double[] xs, double[] y, double[] d, int from, int to) {
        KERNELS.sigmoid(xs, y, d, from, to);
    }

    @Override
    protected String derivativeFormula() {
        return "σ(ẑ)∘(1−σ(ẑ))";
    }
}
