package dev.chainrule.api;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The stage and component providers' common {@code Base}: a {@link DescribedProvider} with a factory.
 * {@link #instantiate} checks the options (so a bad value fails before the factory runs) and hands the factory a
 * context that carries the type id, so a stage can answer {@link Stage#type()} with {@link BuildContext#type()}.
 */
public abstract class ProviderBase<T> extends DescribedProvider {
    private final Function<BuildContext, ? extends T> factory;

    /** A provider whose type id is its class's {@link Plugin} annotation. */
    protected ProviderBase(String description, Function<BuildContext, ? extends T> factory, List<OptionSpec> options) {
        super(null, description, options);
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    protected ProviderBase(String type, String description, Function<BuildContext, ? extends T> factory,
            List<OptionSpec> options) {
        super(Objects.requireNonNull(type, "type"), description, options);
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    protected final T instantiate(BuildContext context) {
        checkOptions(context.options());
        T made = factory.apply(context.withType(type()));
        if (made == null) {
            throw new IllegalStateException(type() + ": the factory returned null");
        }
        return made;
    }
}
