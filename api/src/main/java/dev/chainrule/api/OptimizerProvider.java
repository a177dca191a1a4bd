package dev.chainrule.api;

import java.util.List;
import java.util.function.Function;

/**
 * Service interface for {@link Optimizer}s. {@code context.options()} are the config's optimizer options
 * ({@code type} removed); the input shape is meaningless for an optimizer and is a 1-vector.
 */
public interface OptimizerProvider extends ComponentProvider {

    Optimizer create(BuildContext context);

    /**
     * How many arrays of one double per parameter value this optimizer's state holds at most (momentum: 1,
     * Adam's two moments: 2), for the runner's estimate of a run's heap before it starts. The default, 2, is
     * generous for most; an optimizer with more state must say so.
     */
    default int stateSlots() {
        return 2;
    }

    @Override
    default Kind kind() {
        return Kind.OPTIMIZER;
    }

    /** A provider whose type id, description and options are given once, to this constructor. */
    abstract class Base extends ProviderBase<Optimizer> implements OptimizerProvider {
        /** The type id from the class's {@link Plugin} annotation: {@code @Plugin("id")}, written once. */
        protected Base(String description, Function<BuildContext, ? extends Optimizer> factory, OptionSpec... options) {
            super(description, factory, List.of(options));
        }

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
