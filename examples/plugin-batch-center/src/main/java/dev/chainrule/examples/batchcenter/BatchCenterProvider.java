package dev.chainrule.examples.batchcenter;

import dev.chainrule.api.CheckCase;
import dev.chainrule.api.Options;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import dev.chainrule.api.TransformProvider;
import java.util.List;

/** {@code {"type": "batch-center", "momentum": 0.1}}: any input shape, kept. */
@Plugin("batch-center")
public final class BatchCenterProvider extends TransformProvider.Base {
    static final OptionSpec MOMENTUM = OptionSpec.number("momentum", "weight α of each batch mean in the running mean")
            .range(0, true, 1, false).withDefault(0.1);

    public BatchCenterProvider() {
        super("x − batch mean in training, x − running mean in inference (batch-coupled)",
                BatchCenter::new, MOMENTUM);
    }

    @Override
    public List<CheckCase> checkCases() {
        return List.of(new CheckCase("2 channels of 3×3, momentum 0.5", Shape.image(2, 3, 3),
                Options.of("momentum", 0.5), 4));
    }
}
