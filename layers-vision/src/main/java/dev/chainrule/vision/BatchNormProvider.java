package dev.chainrule.vision;

import dev.chainrule.api.CheckCase;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import java.util.List;

/** Makes {@link BatchNorm} layers: {@code {"type": "batch-norm", "momentum": 0.1, "epsilon": 1e-5}}. */
@Plugin(BatchNorm.TYPE)
public final class BatchNormProvider extends LayerProvider.Base {
    static final OptionSpec MOMENTUM = OptionSpec.number("momentum",
            "weight of the batch statistics in the running ones: running ← (1−momentum)·running + momentum·batch (as PyTorch)")
            .range(0.0, 1.0).withDefault(0.1);
    static final OptionSpec EPSILON = OptionSpec.number("epsilon", "ε added to the variance before the square root")
            .range(0.0, true, 1.0, false).withDefault(1e-5);

    public BatchNormProvider() {
        super("batch normalization per channel (C×H×W: over batch and positions) or per unit (vector): "
                + "y = γ(x−μ)/√(σ²+ε) + β; batch statistics in training (rows coupled), running statistics "
                + "(saved buffers) in inference",
                c -> new BatchNorm(c.inputShape(), MOMENTUM.numberValue(c.options()), EPSILON.numberValue(c.options())),
                MOMENTUM, EPSILON);
    }

    @Override
    public List<CheckCase> checkCases() {
        return List.of(
                new CheckCase("4 units, batch 5", Shape.of(4), Options.empty(), 5),
                new CheckCase("2 channels of 3×3, batch 3", Shape.image(2, 3, 3), Options.of("momentum", 0.3), 3));
    }
}
