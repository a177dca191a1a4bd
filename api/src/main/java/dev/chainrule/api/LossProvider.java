package dev.chainrule.api;

import java.util.List;
import java.util.function.Function;

/** Service interface for {@link Loss}es. {@code context.inputSize()} is N, the size of the prediction. */
public interface LossProvider extends ComponentProvider {

    Loss create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.LOSS;
    }

    /** A provider whose type id, description and options are given once, to this constructor. */
    abstract class Base extends ProviderBase<Loss> implements LossProvider {
        /** The type id from the class's {@link Plugin} annotation: {@code @Plugin("id")}, written once. */
        protected Base(String description, Function<BuildContext, ? extends Loss> factory, OptionSpec... options) {
            super(description, factory, List.of(options));
        }

        protected Base(String type, String description, Function<BuildContext, ? extends Loss> factory,
                OptionSpec... options) {
            super(type, description, factory, List.of(options));
        }

        @Override
        public final Loss create(BuildContext context) {
            return instantiate(context);
        }
    }
}
