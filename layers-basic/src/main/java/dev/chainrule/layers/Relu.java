package dev.chainrule.layers;

import dev.chainrule.api.Shape;

/**
 * The rectifier {@code relu(z) = max(0, z)}, elementwise.
 *
 * <p>Jacobian: {@code diag(1[z_i > 0])}, n×n. relu has no derivative at 0; this uses 0 there (the
 * subgradient most frameworks pick), so a unit whose input is exactly 0 passes no gradient.
 */
public final class Relu extends Elementwise {
    /** The type id. */
    public static final String TYPE = "relu";

    public Relu(int n) {
        super(Shape.of(n));
    }

    /** On rows of {@code shape} (element-wise, so the shape passes through). */
    public Relu(Shape shape) {
        super(shape);
    }

    @Override
    void apply(double z, double[] y, double[] d, int i) {
        boolean on = z > 0.0;
        y[i] = on ? z : 0.0;
        d[i] = on ? 1.0 : 0.0;
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
