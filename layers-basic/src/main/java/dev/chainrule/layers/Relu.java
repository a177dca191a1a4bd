package dev.chainrule.layers;

import dev.chainrule.api.Shape;
import dev.chainrule.kernels.Kernels;

/**
 * The rectifier {@code relu(z) = max(0, z)}, elementwise.
 *
 * <p>Jacobian: {@code diag(1[z_i > 0])}, n×n. relu has no derivative at 0; this uses 0 there (the
 * subgradient most frameworks pick), so a unit whose input is exactly 0 passes no gradient.
 */
public final class Relu extends Elementwise {
    /** The type id. */
    public static final String TYPE = "relu";
    private static final Kernels KERNELS = Kernels.ready();

    public Relu(int n) {
        super(Shape.of(n));
    }

    /** On rows of {@code shape} (element-wise, so the shape passes through). */
    public Relu(Shape shape) {
        super(shape);
    }

    @Override
    void apply(double z, double[] y, double[] d, int i) {
        // the derivative is read back from y (derivativeFromOutput), so d is not kept
        y[i] = z > 0.0 ? z : 0.0;
    }

    @Override
    boolean derivativeFromOutput() {
        return true;
    }

    @Override
    double derivativeOfOutput(double y) {
        return y > 0.0 ? 1.0 : 0.0;
    }

    @Override
    void applyRange(double[] xs, double[] y, double[] d, int from, int to) {
        KERNELS.relu(xs, y, from, to);
    }

    @Override
    void vjpRange(double[] g, double[] y, double[] d, double[] out, int from, int to) {
        KERNELS.reluVjp(g, y, out, from, to);
    }

    @Override
    String derivativeFormula() {
        return "1[ẑ>0]";
    }

    @Override
    public String type() {
        return TYPE;
    }
}
