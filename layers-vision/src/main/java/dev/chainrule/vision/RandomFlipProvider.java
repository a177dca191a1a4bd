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
 * Makes {@link RandomFlip} stages: {@code {"type": "random-flip", "horizontal": true, "vertical": false, "p": 0.5}}.
 * Options: {@code horizontal} (default true) and {@code vertical} (default false), the axes that may flip, at
 * least one true; {@code p} ∈ [0, 1], the probability of each enabled flip (default 0.5). Takes {@code C×H×W}
 * input. In ONNX it is the identity (no node), as in inference.
 */
@Plugin(RandomFlip.TYPE)
public final class RandomFlipProvider extends TransformProvider.Base implements OnnxExport {
    static final OptionSpec HORIZONTAL = OptionSpec.bool("horizontal", "whether training flips rows left–right "
            + "(mirrors each image row) with probability p").withDefault(true);
    static final OptionSpec VERTICAL = OptionSpec.bool("vertical", "whether training flips rows upside down "
            + "with probability p, independently of the horizontal flip").withDefault(false);
    static final OptionSpec P = OptionSpec.number("p", "the probability of each enabled flip, per row and step")
            .range(0.0, 1.0).withDefault(0.5);

    public RandomFlipProvider() {
        super("random mirroring (augmentation): training flips each C×H×W row left–right (horizontal) and/or upside "
                + "down (vertical), each with probability p, drawn from the seeded random source; inference is the "
                + "identity; D_x = the row's permutation matrix", RandomFlipProvider::build, HORIZONTAL, VERTICAL, P);
    }

    static RandomFlip build(BuildContext context) {
        Shape in = Images.requireImage(context.inputShape());
        boolean h = HORIZONTAL.boolValue(context.options());
        boolean v = VERTICAL.boolValue(context.options());
        double p = P.numberValue(context.options());
        if (!h && !v) {
            throw new OptionException(context.options().has("vertical") ? "vertical" : "horizontal",
                    "horizontal and vertical are both false, so nothing would flip; set one of them to true");
        }
        return new RandomFlip(in, h, v, p);
    }

    @Override
    public List<CheckCase> checkCases() {
        return List.of(
                CheckCase.of("3×5×7 image, left–right", Shape.image(3, 5, 7), Options.empty()),
                CheckCase.of("3×3×5 image, both axes, p 0.7", Shape.image(3, 3, 5),
                        Options.of("vertical", true, "p", 0.7)));
    }

    /** The identity in inference, so no node. */
    @Override
    public String exportOnnx(Stage stage, OnnxGraph graph, String input) {
        return input;
    }
}
