package dev.chainrule.vision;

import dev.chainrule.api.Shape;

/** The contracts hand stages flat sizes; these are the images behind them. */
final class ImageShapes {
    private ImageShapes() {
    }

    /** 18 → 2×3×3, 50 → 2×5×5, 30 → 1×5×6, 60 → 3×4×5, 45 → 3×3×5, 105 → 3×5×7. */
    static Shape of(int n) {
        return switch (n) {
            case 18 -> Shape.image(2, 3, 3);
            case 50 -> Shape.image(2, 5, 5);
            case 30 -> Shape.image(1, 5, 6);
            case 60 -> Shape.image(3, 4, 5);
            case 45 -> Shape.image(3, 3, 5);
            case 105 -> Shape.image(3, 5, 7);
            default -> throw new IllegalArgumentException("no image shape for " + n);
        };
    }
}
