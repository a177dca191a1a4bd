package dev.chainrule.vision;

import dev.chainrule.api.CheckCase;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import java.util.List;

/** Makes {@link LayerNorm} layers: {@code {"type": "layer-norm", "epsilon": 1e-5}}. */
@Plugin(LayerNorm.TYPE)
public final class LayerNormProvider extends LayerProvider.Base {
    static final OptionSpec EPSILON = OptionSpec.number("epsilon", "ε added to each sample's variance before the square root")
            .range(0.0, true, 1.0, false).withDefault(1e-5);

    public LayerNormProvider() {
        super("layer normalization per sample over all features: y = γ∘(x−μ)/√(σ²+ε) + β, γ and β of "
                + "the input's shape; the same in training and inference",
                c -> new LayerNorm(c.inputShape(), EPSILON.numberValue(c.options())), EPSILON);
    }

    @Override
    public List<CheckCase> checkCases() {
        return List.of(CheckCase.of("2 channels of 3×3", Shape.image(2, 3, 3), Options.of("epsilon", 1e-3)));
    }
}
