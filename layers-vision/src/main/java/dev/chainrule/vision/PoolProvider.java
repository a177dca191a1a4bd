package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.CheckCase;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Transform;
import dev.chainrule.api.TransformProvider;
import java.util.List;

/** The shared part of {@code maxpool2d} and {@code avgpool2d}. */
abstract class PoolProvider extends TransformProvider.Base {
    static final OptionSpec SIZE = new OptionSpec("size", "an integer (square) or [height, width], each 1.."
            + Images.MAX_SIDE, "2", "the window's height and width");
    static final OptionSpec STRIDE = new OptionSpec("stride", "an integer or [height, width], each 1.."
            + Images.MAX_SIDE, "the window size", "the step between windows");

    PoolProvider(String description, boolean max) {
        super(description + "; a window that does not tile the input floors (the last rows/columns that do "
                + "not fill a window are dropped)", c -> build(c, max), SIZE, STRIDE);
    }

    static Transform build(BuildContext context, boolean max) {
        Options o = context.options();
        int[] k = Images.pair(o, "size", new int[] {2, 2});
        int[] s = Images.pair(o, "stride", k);
        Shape in = Images.requireImage(context.inputShape());
        if (k[0] > in.dim(1) || k[1] > in.dim(2)) {
            throw new ShapeException("with a " + Images.show(k) + " window takes images of at least "
                    + Images.show(k) + " (C×H×W)");
        }
        if (s[0] < 1 || s[1] < 1) {
            throw new OptionException("stride", "must be at least 1");
        }
        return new Pool2d(context.type(), max, in, k, s);
    }

    @Override
    public List<CheckCase> checkCases() {
        return List.of(
                CheckCase.of("2 channels of 5×5, 2×2 windows (floors to 2×2)", Shape.image(2, 5, 5), Options.empty()),
                CheckCase.of("3×3 windows, stride 2 (overlapping)", Shape.image(2, 5, 5), Options.of("size", 3, "stride", 2)));
    }

    /** {@code maxpool2d}. */
    @Plugin("maxpool2d")
    public static final class Max extends PoolProvider {
        public Max() {
            super("max pooling per channel of C×H×W rows; D_x selects each window's first maximum "
                    + "(ties: the first in row-major window order wins)", true);
        }
    }

    /** {@code avgpool2d}. */
    @Plugin("avgpool2d")
    public static final class Avg extends PoolProvider {
        public Avg() {
            super("average pooling per channel of C×H×W rows; D_x is 1/(k_h·k_w) on each window", false);
        }
    }
}
