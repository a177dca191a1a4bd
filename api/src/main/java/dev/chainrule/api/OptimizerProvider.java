package dev.chainrule.api;

import java.util.List;
import java.util.function.Function;

/**
 * Service interface for {@link Optimizer}s. {@code context.options()} are the config's optimizer options
 * ({@code type} removed); the input shape is meaningless for an optimizer and is a 1-vector.
 */
public interface OptimizerProvider extends ComponentProvider {

    Optimizer create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.OPTIMIZER;
    }

    /** A provider whose type id, description and options are given once, to this constructor. */
    abstract class Base extends ProviderBase<Optimizer> implements OptimizerProvider {
        protected Base(String type, String description, Function<BuildContext, ? extends Optimizer> factory,
                OptionSpec... options) {
            super(type, description, factory, List.of(options));
        }

        @Override
        public final Optimizer create(BuildContext context) {
            return instantiate(context);
        }
    }
}
