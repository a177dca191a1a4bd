package dev.chainrule.api;

import java.util.List;
import java.util.function.Function;

/**
 * Service interface for {@link Merge}s (api 3.1): stages of several inputs. {@link BuildContext#inputShapes()}
 * holds the shape of each input, in the order of the entry's {@code inputs}.
 */
public interface MergeProvider extends ComponentProvider {

    /** A new merge for inputs of {@code context.inputShapes()}; throws {@link ShapeException} when they do not merge. */
    Merge create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.MERGE;
    }

    /**
     * The input shape lists the checks build this merge for, besides the defaults (two flat inputs of the same
     * size, and two 2×3×3 inputs). A merge whose inputs may differ (a concatenation) declares such lists.
     */
    default List<List<Shape>> checkInputs() {
        return List.of();
    }

    /**
     * Input shape lists this merge must refuse with a {@link ShapeException}; the checks verify it does. The
     * default, a flat 3 and a flat 4, fits a merge of equal shapes (add, multiply).
     */
    default List<List<Shape>> refusedInputs() {
        return List.of(List.of(Shape.of(3), Shape.of(4)));
    }

    /** A provider whose type id, description and options are given once, to this constructor. */
    abstract class Base extends ProviderBase<Merge> implements MergeProvider {
        /** The type id from the class's {@link Plugin} annotation: {@code @Plugin("id")}, written once. */
        protected Base(String description, Function<BuildContext, ? extends Merge> factory, OptionSpec... options) {
            super(description, factory, List.of(options));
        }

        protected Base(String type, String description, Function<BuildContext, ? extends Merge> factory,
                OptionSpec... options) {
            super(type, description, factory, List.of(options));
        }

        @Override
        public final Merge create(BuildContext context) {
            return instantiate(context);
        }
    }
}
