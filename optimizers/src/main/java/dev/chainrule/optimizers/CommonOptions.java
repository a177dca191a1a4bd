package dev.chainrule.optimizers;

import dev.chainrule.api.OptionSpec;

/** The options every built-in optimizer has, with torch's defaults unless the rate is given. */
final class CommonOptions {
    private CommonOptions() {
    }

    static OptionSpec learningRate(double dflt) {
        return OptionSpec.number("learningRate", "α, the step size (a schedule scales it per epoch)")
                .withDefault(dflt).range(0, true, Double.MAX_VALUE, false);
    }

    static OptionSpec weightDecay(double dflt, String how) {
        return OptionSpec.number("weightDecay", "λ, " + how).withDefault(dflt).range(0, Double.MAX_VALUE);
    }

    static final OptionSpec CLIP_NORM = OptionSpec.number("clipNorm",
            "clip the mean gradient of all parameters together to this global L2 norm before the step (0: off)")
            .withDefault(0.0).range(0, Double.MAX_VALUE);

    static OptionSpec epsilon(double dflt) {
        return OptionSpec.number("epsilon", "ε, added to the denominator").withDefault(dflt)
                .range(0, true, Double.MAX_VALUE, false);
    }

    static OptionSpec beta(String name, double dflt, String meaning) {
        return OptionSpec.number(name, meaning).withDefault(dflt).range(0, false, 1, true);
    }
}
