package dev.chainrule.vision;

import dev.chainrule.api.CheckCase;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import dev.chainrule.api.TransformProvider;
import java.util.List;

/** Makes {@link Dropout} stages: {@code {"type": "dropout", "rate": 0.5}}. */
@Plugin(Dropout.TYPE)
public final class DropoutProvider extends TransformProvider.Base {
    static final OptionSpec RATE = OptionSpec.number("rate",
            "p, the probability that an entry is dropped in training (kept ones are scaled by 1/(1−p))")
            .range(0.0, false, 1.0, true).withDefault(0.5);

    public DropoutProvider() {
        super("inverted dropout: training drops each entry with probability rate and scales the rest "
                + "by 1/(1−rate), masks from the seeded random source; inference is the identity; D_x = diag(mask/(1−p))",
                c -> new Dropout(c.inputShape(), RATE.numberValue(c.options())), RATE);
    }

    @Override
    public List<CheckCase> checkCases() {
        return List.of(CheckCase.of("2×3×3 image, rate 0.3", Shape.image(2, 3, 3), Options.of("rate", 0.3)));
    }
}
