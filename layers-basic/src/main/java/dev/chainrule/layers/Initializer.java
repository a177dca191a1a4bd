package dev.chainrule.layers;

import dev.chainrule.api.Parameter;
import java.util.SplittableRandom;

/** How a dense layer's initial W is drawn; each is deterministic given the seed. */
public enum Initializer {
    /** {@code W_ik ~ U(−a, a)}, {@code a = √(6/(n+m))} (Glorot and Bengio 2010). */
    GLOROT_UNIFORM("glorot-uniform"),
    /** {@code W_ik ~ N(0, 2/n)} (He et al. 2015), suited to relu. */
    HE_NORMAL("he-normal"),
    /** {@code W = 0}: every unit stays identical under training; for tests and teaching. */
    ZEROS("zeros");

    private final String id;

    Initializer(String id) {
        this.id = id;
    }

    /** The config's name for it. */
    public String id() {
        return id;
    }

    /** The initializer the config names {@code id}. */
    public static Initializer of(String id) {
        for (Initializer i : values()) {
            if (i.id.equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initializer '" + id + "'; valid: glorot-uniform, he-normal, zeros");
    }

    /** Fills W (m×n) for a layer {@code R^n → R^m}. */
    // Drawn in docs/math.md's row-major order, so the weights do not depend on the storage layout.
    void fill(Parameter w, int n, int m, SplittableRandom rng) {
        int size = w.size();
        switch (this) {
            case GLOROT_UNIFORM -> {
                double a = Math.sqrt(6.0 / (n + m));
                for (int f = 0; f < size; f++) {
                    w.set(f, rng.nextDouble(-a, a));
                }
            }
            case HE_NORMAL -> {
                double sd = Math.sqrt(2.0 / n);
                for (int f = 0; f < size; f++) {
                    w.set(f, sd * rng.nextGaussian());
                }
            }
            case ZEROS -> {
                // the arrays start at zero
            }
        }
    }
}
