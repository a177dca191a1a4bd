package dev.chainrule.examples.avgpool;

import dev.chainrule.api.CheckCase;
import dev.chainrule.api.Options;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import dev.chainrule.api.TransformProvider;
import java.util.List;

/** {@code {"type": "avgpool-2x2"}} after a C×H×W input (MNIST is 1×28×28). */
@Plugin("avgpool-2x2")
public final class AvgPoolProvider extends TransformProvider.Base {
    public AvgPoolProvider() {
        super("2×2 average pooling, stride 2: C×H×W → C×H/2×W/2; D_x = window means", AvgPool2x2::new);
    }

    /** It takes no flat rows, so the checks need shapes: two channels of an odd size, and MNIST's. */
    @Override
    public List<CheckCase> checkCases() {
        return List.of(CheckCase.of("2 channels of 5×5", Shape.image(2, 5, 5), Options.empty()),
                CheckCase.of("1×4×6", Shape.image(1, 4, 6), Options.empty()));
    }
}
