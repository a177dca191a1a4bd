package dev.chainrule.examples.noise;

import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.TransformProvider;

/** {@code {"type": "gaussian-noise", "sigma": 0.1}}: any input shape, kept. */
@Plugin("gaussian-noise")
public final class NoiseProvider extends TransformProvider.Base {
    static final OptionSpec SIGMA = OptionSpec.number("sigma", "standard deviation of the noise added in training")
            .range(0, true, 10, false).withDefault(0.1);

    public NoiseProvider() {
        super("x + sigma·N(0, 1) per entry in training, x in inference; D_x = I", GaussianNoise::new,
                SIGMA);
    }
}
