package dev.chainrule.layers;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** Makes {@link Dense} layers: {@code {"type": "dense", "units": 128, "init": "glorot-uniform"}}. */
@Plugin(Dense.TYPE)
public final class DenseProvider extends LayerProvider.Base {
    /** The largest {@code units} accepted. */
    public static final int MAX_UNITS = 1 << 24;

    static final OptionSpec UNITS = OptionSpec.integer("units", "m, the number of outputs").range(1, MAX_UNITS);
    static final OptionSpec INIT = OptionSpec.choice("init", "how W is drawn from the seeded RNG; b starts at 0",
            "glorot-uniform", "he-normal", "zeros").withDefault("glorot-uniform");

    public DenseProvider() {
        super("linear map ẑ = W x + b, W ∈ R^{units×n}; D_x = W, D_W = I ⊗ xᵀ, D_b = I",
                DenseProvider::build, UNITS, INIT);
    }

    private static Layer build(BuildContext context) {
        int units = UNITS.intValue(context.options());
        String init = INIT.choiceValue(context.options());
        long size = (long) units * context.inputSize();
        if (size > Integer.MAX_VALUE - 8) {
            throw new OptionException("units", "W would be " + units + "×" + context.inputSize() + " = " + size
                    + " entries, more than one array holds (" + (Integer.MAX_VALUE - 8) + "); use fewer units");
        }
        return new Dense(context.inputShape(), units, Initializer.of(init), context.seed());
    }
}
