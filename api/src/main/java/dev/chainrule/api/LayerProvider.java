package dev.chainrule.api;

import java.util.List;
import java.util.function.Function;

/** Service interface for {@link Layer}s (stages with parameters). */
public interface LayerProvider extends ComponentProvider {

    /**
     * A new layer for input rows of {@code context.inputShape()}, parameters initialised from
     * {@code context.seed()}.
     */
    Layer create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.LAYER;
    }

    /** A provider whose type id, description and options are given once, to this constructor. */
    abstract class Base extends ProviderBase<Layer> implements LayerProvider {
        /** The type id from the class's {@link Plugin} annotation: {@code @Plugin("id")}, written once. */
        protected Base(String description, Function<BuildContext, ? extends Layer> factory, OptionSpec... options) {
            super(description, factory, List.of(options));
        }

        protected Base(String type, String description, Function<BuildContext, ? extends Layer> factory,
                OptionSpec... options) {
            super(type, description, factory, List.of(options));
        }

        @Override
        public final Layer create(BuildContext context) {
            return instantiate(context);
        }
    }
}
