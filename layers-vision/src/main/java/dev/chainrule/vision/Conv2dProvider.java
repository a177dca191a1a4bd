package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.CheckCase;
import dev.chainrule.api.Layer;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import java.util.List;

/**
 * Makes {@link Conv2d} layers:
 * {@code {"type": "conv2d", "filters": 32, "kernel": 3, "stride": 1, "padding": "valid", "init": "he-normal"}}.
 */
@Plugin(Conv2dProvider.TYPE)
public final class Conv2dProvider extends LayerProvider.Base {
    public static final String TYPE = "conv2d";
    /** The largest number of filters accepted. */
    public static final int MAX_FILTERS = 1 << 16;

    static final OptionSpec FILTERS = OptionSpec.integer("filters", "C_out, the number of output channels")
            .range(1, MAX_FILTERS);
    static final OptionSpec KERNEL = new OptionSpec("kernel", "an integer (square) or [height, width], each 1.."
            + Images.MAX_SIDE, "3", "the kernel's height and width");
    static final OptionSpec STRIDE = new OptionSpec("stride", "an integer or [height, width], each 1.."
            + Images.MAX_SIDE, "1", "the step between windows");
    static final OptionSpec PADDING = OptionSpec.choice("padding",
            "valid: windows inside the image (H−k)/s+1 outputs; same: ⌈H/s⌉ outputs, zeros around the image",
            "valid", "same").withDefault("valid");
    static final OptionSpec INIT = OptionSpec.choice("init",
            "how K is drawn from the seeded RNG (fan-in = C_in·k_h·k_w); b starts at 0", "he-normal", "glorot-uniform")
            .withDefault("he-normal");

    public Conv2dProvider() {
        super("2-d convolution y[o] = b[o] + Σ_c K[o,c] ⋆ x[c] on C×H×W rows, K ∈ R^{filters×C×kh×kw}; "
                + "D_x banded block-Toeplitz, D_K = I ⊗ im2col(x), D_b = I ⊗ 1",
                Conv2dProvider::build, FILTERS, KERNEL, STRIDE, PADDING, INIT);
    }

    private static Layer build(BuildContext context) {
        Options o = context.options();
        int filters = FILTERS.intValue(o);
        int[] k = Images.pair(o, "kernel", new int[] {3, 3});
        int[] stride = Images.pair(o, "stride", new int[] {1, 1});
        boolean same = PADDING.choiceValue(o).equals("same");
        String init = INIT.choiceValue(o);
        Shape in = Images.requireImage(context.inputShape());
        if (!same && (k[0] > in.dim(1) || k[1] > in.dim(2))) {
            throw new ShapeException("with kernel " + Images.show(k) + " and padding valid takes images of at least "
                    + Images.show(k) + " (C×H×W)");
        }
        long kSize = (long) filters * in.dim(0) * k[0] * k[1];
        if (kSize > Integer.MAX_VALUE - 8) {
            throw new dev.chainrule.api.OptionException("filters", "K would have " + kSize + " entries; use fewer filters");
        }
        return new Conv2d(context.type(), in, filters, k, stride, same, init, context.seed());
    }

    @Override
    public List<CheckCase> checkCases() {
        return List.of(
                CheckCase.of("2 channels of 5×5, 3 filters of 3×3", Shape.image(2, 5, 5), Options.of("filters", 3)),
                CheckCase.of("stride 2, same padding, 2×3 kernel", Shape.image(2, 5, 6),
                        Options.of("filters", 2, "kernel", List.of(2, 3), "stride", 2, "padding", "same")));
    }
}
