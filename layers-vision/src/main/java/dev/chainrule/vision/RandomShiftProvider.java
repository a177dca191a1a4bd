package dev.chainrule.vision;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.CheckCase;
import dev.chainrule.api.OnnxExport;
import dev.chainrule.api.OnnxGraph;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Stage;
import dev.chainrule.api.TransformProvider;
import java.util.List;

/**
 * Makes {@link RandomShift} stages: {@code {"type": "random-shift", "max": 2, "fill": 0}}, usually the first
 * stage of a convnet. Options: {@code max}, the largest shift in pixels along each axis (an integer from 0,
 * default 2, below the image's height and width); {@code fill}, the value of the vacated pixels (default 0, the
 * background of scaled MNIST digits). Takes {@code C×H×W} input. In ONNX it is the identity (no node), as in
 * inference.
 */
@Plugin(RandomShift.TYPE)
public final class RandomShiftProvider extends TransformProvider.Base implements OnnxExport {
    static final OptionSpec MAX = OptionSpec.integer("max",
            "the largest shift in pixels: dy and dx are drawn uniformly from [−max, max] per row in training; "
                    + "must be below the image's height and width").range(0, Images.MAX_SIDE).withDefault(2);
    static final OptionSpec FILL = OptionSpec.number("fill", "the value of the pixels a shift vacates")
            .withDefault(0.0);

    public RandomShiftProvider() {
        super("random translation (augmentation): training moves each C×H×W row by an integer (dy, dx) drawn "
                + "uniformly from [−max, max] by the seeded random source, vacated pixels = fill; inference is the "
                + "identity; D_x = the 0/1 selection matrix of the row's shift", RandomShiftProvider::build, MAX, FILL);
    }

    static RandomShift build(BuildContext context) {
        Shape in = Images.requireImage(context.inputShape());
        int max = MAX.intValue(context.options());
        double fill = FILL.numberValue(context.options());
        int side = Math.min(in.dim(1), in.dim(2));
        if (max >= side) {
            throw new OptionException("max", "must be below the image's height and width (" + in + " allows up to "
                    + (side - 1) + "), got " + max);
        }
        return new RandomShift(in, max, fill);
    }

    @Override
    public List<CheckCase> checkCases() {
        return List.of(
                CheckCase.of("3×5×7 image, max 2", Shape.image(3, 5, 7), Options.of("max", 2)),
                CheckCase.of("3×3×5 image, max 1, fill 0.5", Shape.image(3, 3, 5), Options.of("max", 1, "fill", 0.5)));
    }

    /** The identity in inference, so no node. */
    @Override
    public String exportOnnx(Stage stage, OnnxGraph graph, String input) {
        return input;
    }
}
