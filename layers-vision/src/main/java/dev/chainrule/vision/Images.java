package dev.chainrule.vision;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import java.util.List;

/** Reading image shapes and the spatial options the vision stages share. */
final class Images {
    /** Largest kernel, window or stride side accepted (larger ones are surely a typo). */
    static final int MAX_SIDE = 1024;

    private Images() {
    }

    /** The shape as C×H×W, or the runner's one-line "takes C×H×W input" complaint. */
    static Shape requireImage(Shape s) {
        if (s.rank() != 3) {
            throw ShapeException.takes("C×H×W");
        }
        return s;
    }

    /**
     * A side pair from an option given as one integer (square) or as {@code [h, w]}; {@code fallback} when
     * absent.
     */
    static int[] pair(Options options, String key, int[] fallback) {
        Object v = options.asMap().get(key);
        if (v == null) {
            if (options.has(key)) {
                throw new OptionException(key, "null is not a value; expected an integer or [height, width]");
            }
            return fallback.clone();
        }
        if (v instanceof Number n) {
            int s = side(key, n);
            return new int[] {s, s};
        }
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number h && l.get(1) instanceof Number w) {
            return new int[] {side(key, h), side(key, w)};
        }
        throw new OptionException(key, "must be an integer from 1 to " + MAX_SIDE + " or [height, width], got "
                + Options.show(v));
    }

    private static int side(String key, Number n) {
        double d = n.doubleValue();
        if (d != Math.rint(d) || d < 1 || d > MAX_SIDE) {
            throw new OptionException(key, "must be an integer from 1 to " + MAX_SIDE + " or [height, width], got "
                    + Options.show(n));
        }
        return (int) d;
    }

    static String show(int[] hw) {
        return hw[0] + "×" + hw[1];
    }
}
