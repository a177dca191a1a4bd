package dev.chainrule.api;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The common part of the providers' {@code Base} classes: the type id written once, the option specs that
 * both document and validate, and a factory. {@link #instantiate} rejects unknown option keys, validates every
 * typed spec (so a bad value fails before the factory runs) and hands the factory a context that carries
 * the type id, so a stage can answer {@link Stage#type()} with {@link BuildContext#type()}.
 */
public abstract class ProviderBase<T> implements ComponentProvider {
    private final String type;
    private final String description;
    private final Function<BuildContext, ? extends T> factory;
    private final List<OptionSpec> options;

    /** A provider whose type id is its class's {@link Plugin} annotation. */
    protected ProviderBase(String description, Function<BuildContext, ? extends T> factory, List<OptionSpec> options) {
        this.type = ComponentProvider.annotatedType(getClass());
        this.description = Objects.requireNonNull(description, "description");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.options = List.copyOf(options);
    }

    protected ProviderBase(String type, String description, Function<BuildContext, ? extends T> factory,
            List<OptionSpec> options) {
        this.type = Objects.requireNonNull(type, "type");
        this.description = Objects.requireNonNull(description, "description");
        this.factory = Objects.requireNonNull(factory, "factory");
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

    protected final T instantiate(BuildContext context) {
        context.options().requireKnown(options);
        for (OptionSpec s : options) {
            s.validate(context.options());
        }
        T made = factory.apply(context.withType(type));
        if (made == null) {
            throw new IllegalStateException(type + ": the factory returned null");
        }
        return made;
    }
}
