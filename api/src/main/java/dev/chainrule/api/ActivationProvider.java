package dev.chainrule.api;

import java.util.List;
import java.util.function.Function;

/** Service interface for {@link Activation}s (parameter-free maps R^n → R^n). */
public interface ActivationProvider extends ComponentProvider {

    Activation create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.ACTIVATION;
    }

    /**
     * A provider whose type id, description and options are given once, to this constructor:
     * {@code public SwishProvider() { super("swish", "z·σ(z)", Swish::new); }}.
     */
    abstract class Base extends ProviderBase<Activation> implements ActivationProvider {
        /** The type id from the class's {@link Plugin} annotation: {@code @Plugin("id")}, written once. */
        protected Base(String description, Function<BuildContext, ? extends Activation> factory, OptionSpec... options) {
            super(description, factory, List.of(options));
        }

        protected Base(String type, String description, Function<BuildContext, ? extends Activation> factory,
                OptionSpec... options) {
            super(type, description, factory, List.of(options));
        }

        @Override
        public final Activation create(BuildContext context) {
            return instantiate(context);
        }
    }
}
