package dev.chainrule.layers;

import dev.chainrule.api.Shape;
import dev.chainrule.api.support.ElementwiseActivation;
import dev.chainrule.kernels.Kernels;

/**
 * The rectifier {@code relu(z) = max(0, z)}, elementwise.
 *
 * <p>Jacobian: {@code diag(1[z_i > 0])}, n×n. relu has no derivative at 0; this uses 0 there (the
 * subgradient most frameworks pick), so a unit whose input is exactly 0 passes no gradient.
 */
public final class Relu extends ElementwiseActivation {
    /** The type id. */
    public static final String TYPE = "relu";
    private static final Kernels KERNELS = Kernels.ready();

    public Relu(int n) {
        this(Shape.of(n));
    }

    /** On rows of {@code shape} (element-wise, so the shape passes through). */
    public Relu(Shape shape) {
        super(TYPE, shape, KernelThreads.POOL);
    }

    /** relu(z) = max(0, z). */
    @Override
    protected double phi(double z) {
        return z > 0.0 ? z : 0.0;
    }

    /** relu′(z) = 1[z > 0]; the forward pass reads it back from y instead (derivativeFromOutput). */
    @Override
    protected double phiPrime(double z) {
        return z > 0.0 ? 1.0 : 0.0;
    }

    @Override
    protected boolean derivativeFromOutput() {
        return true;
    }

    @Override
    protected double derivativeOfOutput(double y) {
        return y > 0.0 ? 1.0 : 0.0;
    }

    @Override
    protected void applyRange(double[] xs, double[] y, double[] d, int from, int to) {
        KERNELS.relu(xs, y, from, to);
    }

    @Override
    protected void vjpRange(double[] g, double[] y, double[] d, double[] out, int from, int to) {
        KERNELS.reluVjp(g, y, out, from, to);
    }

    @Override
    protected String derivativeFormula() {
        return "1[ẑ>0]";
    }
}
