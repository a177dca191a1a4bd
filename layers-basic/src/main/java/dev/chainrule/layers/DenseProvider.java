package dev.chainrule.layers;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import java.util.List;

/** Makes {@link Dense} layers: {@code {"type": "dense", "units": 128, "init": "glorot-uniform"}}. */
public final class DenseProvider implements LayerProvider {
    /** The largest {@code units} accepted. */
    public static final int MAX_UNITS = 1 << 24;

    private static final List<String> INITS = List.of("glorot-uniform", "he-normal", "zeros");

    @Override
    public String type() {
        return Dense.TYPE;
    }

    @Override
    public String description() {
        return "linear map ẑ = W x + b, W ∈ R^{units×n}; D_x = W, D_W = I ⊗ xᵀ, D_b = I";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                new OptionSpec("units", "positive integer", null, "m, the number of outputs"),
                new OptionSpec("init", "one of " + String.join(", ", INITS), "glorot-uniform",
                        "how W is drawn from the seeded RNG; b starts at 0"));
    }

    @Override
    public Layer create(BuildContext context) {
        Options o = context.options();
        o.requireKnown(options());
        int units = o.positiveInt("units", MAX_UNITS);
        String init = o.choice("init", "glorot-uniform", INITS);
        long size = (long) units * context.inputSize();
        if (size > Integer.MAX_VALUE - 8) {
            throw new OptionException("units", "W would be " + units + "×" + context.inputSize() + " = " + size
                    + " entries, more than one array holds (" + (Integer.MAX_VALUE - 8) + "); use fewer units");
        }
        return new Dense(context.inputSize(), units, Dense.Initializer.of(init), context.seed());
    }
}
