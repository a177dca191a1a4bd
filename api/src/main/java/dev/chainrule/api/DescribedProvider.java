package dev.chainrule.api;

import java.util.List;
import java.util.Objects;

/**
 * The root of every provider {@code Base} class, whatever it makes: the type id written once (its class's
 * {@link Plugin} annotation, or given), a one-line description, and the option specs that both document and
 * validate. {@link #checkOptions} rejects unknown keys and validates every typed spec, so a bad value fails
 * before a factory or loader runs.
 */
public abstract class DescribedProvider implements ComponentProvider {
    private final String type;
    private final String description;
    private final List<OptionSpec> options;

    /** @param type the type id, or null to read it from the class's {@link Plugin} annotation */
    protected DescribedProvider(String type, String description, List<OptionSpec> options) {
        this.type = type != null ? type : ComponentProvider.annotatedType(getClass());
        this.description = Objects.requireNonNull(description, "description");
        this.options = List.copyOf(options);
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final List<OptionSpec> options() {
        return options;
    }

    /** Rejects keys no spec names and validates each typed spec against {@code given}. */
    protected final void checkOptions(Options given) {
        given.requireKnown(options);
        for (OptionSpec s : options) {
            s.validate(given);
        }
    }
}
