package dev.chainrule.api;

import java.util.List;
import java.util.function.Function;

/** Service interface for {@link Transform}s (parameter-free stages that may change size). */
public interface TransformProvider extends ComponentProvider {

    /** A new transform for input rows of {@code context.inputShape()}. */
    Transform create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.TRANSFORM;
    }

    /** A provider whose type id, description and options are given once, to this constructor. */
    abstract class Base extends ProviderBase<Transform> implements TransformProvider {
        /** The type id from the class's {@link Plugin} annotation: {@code @Plugin("id")}, written once. */
        protected Base(String description, Function<BuildContext, ? extends Transform> factory, OptionSpec... options) {
            super(description, factory, List.of(options));
        }

        protected Base(String type, String description, Function<BuildContext, ? extends Transform> factory,
                OptionSpec... options) {
            super(type, description, factory, List.of(options));
        }

        @Override
        public final Transform create(BuildContext context) {
            return instantiate(context);
        }
    }
}
