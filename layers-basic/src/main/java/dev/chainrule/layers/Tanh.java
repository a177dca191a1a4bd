package dev.chainrule.layers;

import dev.chainrule.api.Shape;
import dev.chainrule.api.support.ElementwiseActivation;

/**
 * The hyperbolic tangent, elementwise.
 *
 * <p>Jacobian: {@code diag(1 − tanh²(z_i))}, n×n.
 *
 * <p>Stability: {@code 1 − tanh²(z) = sech²(z) = 4t/(1+t)²} with {@code t = e^{−2|z|}}; subtracting
 * {@code tanh²} from 1 would give exactly 0 for |z| beyond about 19 although the true value is positive.
 */
public final class Tanh extends ElementwiseActivation {
    /** The type id. */
    public static final String TYPE = "tanh";

    public Tanh(int n) {
        this(Shape.of(n));
    }

    /** On rows of {@code shape} (element-wise, so the shape passes through). */
    public Tanh(Shape shape) {
        super(TYPE, shape, KernelThreads.POOL);
    }

    /** tanh(z). */
    @Override
    protected double phi(double z) {
        return Math.tanh(z);
    }

    /** tanh′(z) = sech²(z) = 4t/(1+t)², t = e^{−2|z|}. */
    @Override
    protected double phiPrime(double z) {
        double t = Math.exp(-2.0 * Math.abs(z));
        double u = 1.0 + t;
        return 4.0 * t / (u * u);
    }

    /** Both with one exp. */
    @Override
    protected void apply(double z, double[] y, double[] d, int i) {
        double t = Math.exp(-2.0 * Math.abs(z));
        double u = 1.0 + t;
        y[i] = Math.tanh(z);
        d[i] = 4.0 * t / (u * u);
    }

    @Override
    protected String derivativeFormula() {
        return "1−tanh²(ẑ)";
    }
}
